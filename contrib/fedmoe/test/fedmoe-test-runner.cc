// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs the module's ns-3 TestSuites (e.g. --suite=fedmoe) with ns-3's own
 * test runner, so they are part of CTest beside the GoogleTest suites.
 */

#include "ns3/test.h"

int
main(int argc, char** argv)
{
    return ns3::TestRunner::Run(argc, argv);
}
