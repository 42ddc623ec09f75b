#include "atomicfile.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}
} // namespace

QString writeFileAtomically(const QString &path, const QByteArray &data)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return QStringLiteral("cannot create folder %1").arg(info.absolutePath());
    QTemporaryFile temp(info.absolutePath() + QStringLiteral("/.") + info.fileName() + QStringLiteral(".XXXXXX"));
    if (!temp.open())
        return QStringLiteral("cannot write %1: %2").arg(path, temp.errorString());
    const int fd = temp.handle();
    ::fchmod(fd, S_IRUSR | S_IWUSR);
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return QStringLiteral("cannot write %1: %2 (the previous file is unchanged)").arg(path, systemError());
        done += n;
    }
    if (::fsync(fd) != 0)
        return QStringLiteral("cannot write %1: %2 (the previous file is unchanged)").arg(path, systemError());
    const QString tempName = temp.fileName();
    if (::rename(QFile::encodeName(tempName).constData(), QFile::encodeName(path).constData()) != 0)
        return QStringLiteral("cannot replace %1: %2 (the previous file is unchanged)").arg(path, systemError());
    temp.setAutoRemove(false);
    return {};
}
