// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-edge: bad options stop the program with a clear error (naming
 * the value and what is allowed) and a non-zero exit code, before anything is
 * written.
 */

#include "run-program.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using fedmoe_test::Outcome;

namespace
{

Outcome
RunExample(const std::string& args)
{
    return fedmoe_test::RunProgram("fedmoe-edge", args);
}

} // namespace

TEST(FedMoeEdgeOptions, BadOptionsStopBeforeAnythingIsWritten)
{
    const fs::path outDir = fs::temp_directory_path() / "fedmoe-edge-options-test";
    fs::remove_all(outDir);
    const fs::path missing = fs::temp_directory_path() / "fedmoe-no-such-data-set";
    fs::remove_all(missing);
    const fs::path empty = fs::temp_directory_path() / "fedmoe-empty-data-set";
    fs::create_directories(empty);

    struct Case
    {
        std::string args;
        std::string mentions; //!< the error names this
    };
    const std::vector<Case> cases = {
        {"--clients=0", "--clients=0"},
        {"--experts=4 --expertsPerClient=5", "--expertsPerClient=5: allowed 1..4"},
        {"--deadline=-1", "--deadline=-1"},
        {"--deadline=1e12", "--deadline="},
        {"--seed=-1", "--seed=4294967295: allowed 1..4294944442"},
        {"--policy=fastest-first", "allowed: random"},
        {"--network=5g", "--network=5g is unknown; allowed: wifi, lte or p2p"},
        {"--mobility=teleport", "--mobility=teleport is unknown"},
        {"--network=lte --speed=0", "--speed=0.000: allowed (0, 100] m/s"},
        {"--network=p2p --mobility=random-walk", "has no effect on --network=p2p"},
        {"--network=lte --lteScheduler=fifo", "--lteScheduler=fifo is unknown; allowed: pf or rr"},
        {"--holdout=1", "--holdout"},
        {"--network=p2p --distanceMax=50", "--distanceMax=50.000 has no effect on --network=p2p"},
        {"--network=p2p --lossExponent=2", "applies to --network=wifi only"},
        {"--network=wifi --errorRate=0.1", "--errorRate=0.100 applies to --network=p2p only"},
        {"--mix=foo=1", "--mix=foo=1: "},
        {"--network=p2p --bandwidthScale=1e-12", "leaves tier"},
        {"--dataset=fashion-mnist --dataDir=" + missing.string(), "no such directory"},
        {"--dataset=fashion-mnist --dataDir=" + empty.string(), empty.string()},
    };
    for (const Case& c : cases)
    {
        SCOPED_TRACE(c.args);
        const Outcome r = RunExample("--outDir=" + outDir.string() + " " + c.args);
        EXPECT_NE(r.exitCode, 0) << r.output;
        EXPECT_NE(r.output.find(c.mentions), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("fedmoe-edge: "), std::string::npos) << r.output;
        EXPECT_FALSE(fs::exists(outDir)) << "the run wrote " << outDir;
    }
    fs::remove_all(empty);
}
