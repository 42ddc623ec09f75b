#pragma once

#include <QStringList>

// Headless subcommands; each returns the process exit status (0 ok, 1 failure, 2 bad usage).
int runServe(const QStringList &arguments);
int runValidate(const QStringList &arguments);
int runExport(const QStringList &arguments);
int runImport(const QStringList &arguments);
int runSync(const QStringList &arguments);
int runSelfTest(const QStringList &arguments); // also `routescope --self-test`
