#include "journal.h"

#include <QFile>
#include <QJsonDocument>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

WorkspaceJournal::~WorkspaceJournal()
{
    close();
}

QString WorkspaceJournal::pathFor(const QString &workspacePath)
{
    return workspacePath + QStringLiteral(".journal");
}

void WorkspaceJournal::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

QString WorkspaceJournal::append(const QString &workspacePath, ResourceKind kind, const QString &id, const QJsonObject *value)
{
    const QString path = pathFor(workspacePath);
    if (m_fd < 0 || m_path != path) {
        close();
        m_fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (m_fd < 0)
            return QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        m_path = path;
    }
    QJsonObject change{{QStringLiteral("kind"), resourcePlural(kind)}, {QStringLiteral("id"), id}};
    if (value)
        change.insert(QStringLiteral("value"), *value);
    const QByteArray line = QJsonDocument(change).toJson(QJsonDocument::Compact) + '\n';
    const off_t start = ::lseek(m_fd, 0, SEEK_END);
    qsizetype done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(m_fd, line.constData() + done, size_t(line.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const QString why = QString::fromLocal8Bit(std::strerror(errno));
            if (start >= 0) { // take the torn line back (replay would leave it out anyway)
                const int ignored = ::ftruncate(m_fd, start);
                Q_UNUSED(ignored)
            }
            return QStringLiteral("cannot write %1: %2").arg(path, why);
        }
        done += n;
    }
    if (::fdatasync(m_fd) != 0)
        return QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    ++m_entries;
    m_bytes += line.size();
    return {};
}

void WorkspaceJournal::clear(const QString &workspacePath)
{
    close();
    ::unlink(QFile::encodeName(pathFor(workspacePath)).constData());
    m_entries = 0;
    m_bytes = 0;
}

WorkspaceJournal::Replay WorkspaceJournal::replay(const QString &workspacePath, ResourceObjects *objects)
{
    Replay out;
    QFile file(pathFor(workspacePath));
    if (!file.open(QIODevice::ReadOnly))
        return out; // none: nothing changed since the workspace was written
    const QByteArray data = file.readAll();
    int lineNumber = 0;
    qsizetype at = 0;
    while (at < data.size()) {
        const qsizetype end = data.indexOf('\n', at);
        if (end < 0)
            break; // torn: never answered
        ++lineNumber;
        const QJsonObject change = QJsonDocument::fromJson(data.mid(at, end - at)).object();
        at = end + 1;
        const QString kind = change.value(QStringLiteral("kind")).toString();
        const QString id = change.value(QStringLiteral("id")).toString();
        const std::optional<ResourceKind> known = resourceKindNamed(kind);
        QJsonObject *into = known ? &objects->of(*known) : nullptr;
        if (!into || id.isEmpty()) {
            out.problem = QStringLiteral("%1: line %2 is not a change; the lines from there on were not applied")
                              .arg(file.fileName()).arg(lineNumber);
            break;
        }
        if (change.value(QStringLiteral("value")).isObject())
            into->insert(id, change.value(QStringLiteral("value")));
        else
            into->remove(id);
        ++out.applied;
    }
    return out;
}
