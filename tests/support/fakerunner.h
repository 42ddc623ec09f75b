#pragma once

#include "runnerclient.h"
#include "testrunner.h"

#include <memory>

// The Plugin Runner in-process, behind RunnerLink: TestRunner's scripts without a socket. Each frame the
// gateway sends is given to the script; its answer comes back on a later turn of the event loop, as from
// a socket. Connecting fails at once while refusing (a real connection retries until its connect timeout).
class FakeRunner
{
public:
    explicit FakeRunner(TestRunner::Script script);

    // For RunnerClient: every link it makes talks to this runner.
    RunnerClient::LinkFactory factory();

    QList<quint8> received() const;
    int connections() const;
    // The process id links report (another one makes the endpoint take it for a new runner).
    void setPid(qint64 pid);
    void setRefusing(bool refusing);

    struct State
    {
        TestRunner::Script script;
        QList<quint8> received;
        int connections = 0;
        qint64 pid = 4242;
        bool refusing = false;
    };

private:
    std::shared_ptr<State> m_state;
};
