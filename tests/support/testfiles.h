#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTest>

// Writes `data` to `path` (replacing it), failing the test when it cannot.
inline void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(f.write(data), data.size());
}
