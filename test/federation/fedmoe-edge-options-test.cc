// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-edge: bad options stop the program with a clear error (naming
 * the value and what is allowed) and a non-zero exit code, before anything is
 * written.
 */

#include "run-program.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
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
    // Flow calibration files: malformed, an unknown attribute, a bad value.
    const fs::path calibration = fs::temp_directory_path() / "fedmoe-edge-options-calibration";
    fs::create_directories(calibration);
    auto write = [&calibration](const std::string& name, const std::string& text)
    {
        std::ofstream(calibration / name) << text;
        return (calibration / name).string();
    };
    const std::string notJson = write("not.json", "{nope");
    const std::string unknown
        = write("unknown.json", R"({"attributes": {"ns3::FedMoeFlowWifiAccess::Bogus": 1}})");
    const std::string badValue = write(
        "bad.json", R"({"attributes": {"ns3::FedMoeFlowWifiAccess::DownlinkEfficiency": 7}})");
    const std::string notFlow
        = write("not-flow.json", R"({"attributes": {"ns3::TcpSocket::SegmentSize": 500}})");

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
        {"--network=lte --clients=400", "at most 320 UEs"},
        {"--holdout=1", "--holdout"},
        {"--network=p2p --distanceMax=50", "--distanceMax=50.000 has no effect on --network=p2p"},
        {"--network=p2p --lossExponent=2", "applies to --network=wifi only"},
        {"--network=wifi --errorRate=0.1", "--errorRate=0.100 applies to --network=p2p only"},
        {"--mix=foo=1", "--mix=foo=1: "},
        {"--network=p2p --bandwidthScale=1e-12", "leaves tier"},
        {"--network=p2p --overstated=1.5", "--overstated=1.500: allowed a share in [0, 1]"},
        {"--network=p2p --overstatement=0.5", "--overstatement=0.500: allowed a factor >= 1"},
        {"--network=wifi --overstated=0.5", "apply to --network=p2p only"},
        {"--network=wifi --oracle=true", "Oracle needs packet-level point-to-point links"},
        {"--network=p2p --fidelity=flow --oracle=true", "Oracle needs packet-level"},
        {"--fidelity=fluid", "--fidelity=fluid is unknown; allowed: packet or flow"},
        {"--fidelity=flow --pcap=true", "--pcap=true needs packets"},
        {"--fidelity=flow --flowmon=true", "--flowmon=true needs packets"},
        {"--flowCalibration=" + notJson, "applies to --fidelity=flow only"},
        {"--fidelity=flow --expertWireBytes=10", "--expertWireBytes=10: allowed 0 (the real size)"},
        {"--fidelity=flow --gateWireBytes=1e12", "--gateWireBytes=1e12: not a whole number"},
        {"--rounds=abc", "--rounds=abc: not a whole number"},
        {"--learningRate=fast", "--learningRate=fast: not a number"},
        {"--expertWireBytes=4000000", "needs --fidelity=flow"},
        {"--fidelity=flow --flowCalibration=" + (calibration / "missing.json").string(),
         "cannot read"},
        {"--fidelity=flow --flowCalibration=" + notJson, "is not JSON"},
        {"--fidelity=flow --flowCalibration=" + unknown, "has no attribute \"Bogus\""},
        {"--fidelity=flow --flowCalibration=" + badValue, "DownlinkEfficiency = 7"},
        {"--fidelity=flow --flowCalibration=" + notFlow, "not an attribute of a flow-level type"},
        {"--network=p2p --minWork=0", "--minWork=0"},
        {"--network=p2p --observationHalfLife=0", "--observationHalfLife=0"},
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
    fs::remove_all(calibration);
}

TEST(FedMoeFlowCalibrate, FitsP2pLinksAndRejectsBadFlags)
{
    const fs::path out = fs::temp_directory_path() / "fedmoe-flow-calibrate-test.json";
    fs::remove(out);
    for (const std::string& bad :
         {std::string("--sizes=0 --output=") + out.string(), "--seeds=0 --output=" + out.string(),
          "--bytes=10 --output=" + out.string(), std::string("--network=p2p"),
          "--fidelity=flow --output=" + out.string()})
    {
        SCOPED_TRACE(bad);
        const Outcome r = fedmoe_test::RunProgram("fedmoe-flow-calibrate", bad);
        EXPECT_EQ(r.exitCode, 2) << r.output;
        EXPECT_NE(r.output.find("fedmoe-flow-calibrate: "), std::string::npos) << r.output;
        EXPECT_FALSE(fs::exists(out));
    }
    // Point-to-point links share nothing and the flow level is exact on them
    // per client: the fit stays at 1 (within 1 %), and the file it writes is
    // one --flowCalibration reads.
    const Outcome r = fedmoe_test::RunProgram(
        "fedmoe-flow-calibrate", "--network=p2p --sizes=3 --seeds=1 --iterations=1 --bytes=200000 "
                                 "--mix=raspberry-pi-4=1,laptop=1 --output="
                                     + out.string());
    ASSERT_EQ(r.exitCode, 0) << r.output;
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("\"ns3::FedMoeFlowP2pAccess::Efficiency\": ");
    ASSERT_NE(at, std::string::npos) << text;
    EXPECT_NEAR(std::stod(text.substr(at + 40)), 1.0, 0.01) << text;
    const Outcome run = RunExample("--network=p2p --fidelity=flow --rounds=1 --clients=3 "
                                   "--progress=false --flowCalibration="
                                   + out.string() + " --outDir="
                                   + (fs::temp_directory_path() / "fedmoe-cal-run").string());
    EXPECT_EQ(run.exitCode, 0) << run.output;
    fs::remove_all(fs::temp_directory_path() / "fedmoe-cal-run");
    fs::remove(out);
}

TEST(FedMoeEdgeOptions, SigtermEndsTheRunWithWholeRecordsAndTheStatusInterrupted)
{
    const fs::path outDir = fs::temp_directory_path() / "fedmoe-edge-sigterm-test";
    fs::remove_all(outDir);
    const std::string program = std::string(FEDMOE_BINARY_DIR) + "/bin/fedmoe-edge";
    const std::string out = "--outDir=" + outDir.string();
    const pid_t pid = fork();
    if (pid == 0)
    {
        // A run far longer than the test waits: 500 rounds on the p2p star.
        execl(program.c_str(), program.c_str(), "--network=p2p", "--clients=4",
              "--dataset=synthetic", "--rounds=500", "--progress=false", out.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    ASSERT_GT(pid, 0);
    // Wait (up to 60 s) until two rounds are recorded, then ask it to stop.
    const fs::path rounds = outDir / "rounds.csv";
    for (int i = 0; i < 600; ++i)
    {
        std::ifstream in(rounds);
        const auto lines = std::count(std::istreambuf_iterator<char>(in),
                                      std::istreambuf_iterator<char>(), '\n');
        if (lines >= 3)
        {
            break;
        }
        usleep(100000);
    }
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "the program did not exit by itself";
    EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
    std::ifstream summaryFile(outDir / "summary.json");
    const std::string summary((std::istreambuf_iterator<char>(summaryFile)),
                              std::istreambuf_iterator<char>());
    EXPECT_NE(summary.find("\"status\": \"interrupted\""), std::string::npos) << summary;
    EXPECT_NE(summary.find("\"interruption\": \"SIGTERM\""), std::string::npos) << summary;
    EXPECT_TRUE(fs::exists(outDir / "clients.csv"));
    // Every row is whole: the header's column count on every line.
    std::ifstream in(rounds);
    std::string line;
    std::getline(in, line);
    const auto columns = std::count(line.begin(), line.end(), ',');
    int rows = 0;
    while (std::getline(in, line))
    {
        EXPECT_EQ(std::count(line.begin(), line.end(), ','), columns) << line;
        ++rows;
    }
    EXPECT_GE(rows, 2);
    EXPECT_LT(rows, 500);
    fs::remove_all(outDir);
}
