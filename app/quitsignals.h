#pragma once

// Makes SIGINT and SIGTERM quit the running QCoreApplication's event loop cleanly (a self-pipe, so the
// signal handler does nothing but write one byte).
void quitOnTermination();
