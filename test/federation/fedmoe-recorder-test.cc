// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRecorder: the result files' exact columns and contents.
 */

#include "ns3/fedmoe-recorder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ns3;
namespace fs = std::filesystem;

namespace
{

std::string
Read(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path
FreshDir(const std::string& name)
{
    fs::path dir = fs::temp_directory_path() / ("fedmoe-recorder-test-" + name);
    fs::remove_all(dir);
    return dir;
}

} // namespace

TEST(FedMoeRecorder, WritesRoundsAndAssignmentsRowByRow)
{
    const fs::path dir = FreshDir("rows") / "nested";
    FedMoeRecorder rec(dir.string());
    FedMoeRoundRecord r;
    r.round = 1;
    r.simTimeS = 2.5;
    r.wallTimeS = 0.125;
    r.participants = 4;
    r.dropped = 1;
    r.testAccuracy = 0.6875;
    r.testLoss = 1.25;
    r.bytesDown = 1000;
    r.bytesUp = 900;
    r.expertLoadCv = 0.5;
    r.routingEntropy = 1.75;
    r.personalAccuracy = 0.9375;
    r.picked = 5;
    r.leftOut = 1;
    r.partial = 2;
    r.missing = 1;
    r.unusedBytesUp = 300;
    r.minTrainers = 1;
    rec.AddRound(r);
    FedMoeRoundRecord unevaluated;
    unevaluated.round = 2;
    rec.AddRound(unevaluated);
    rec.AddAssignment(1, {{3, {0, 2}}, {1, {1}}});

    // Readable before Finish(): a run that dies keeps its completed rounds.
    EXPECT_EQ(Read(dir / "rounds.csv"),
              "round,sim_time_s,wall_time_s,participants,dropped,test_accuracy,test_loss,"
              "bytes_down,bytes_up,expert_load_cv,routing_entropy,personal_accuracy,picked,"
              "left_out,partial,missing,refused,unused_bytes_up,min_trainers\n"
              "1,2.5,0.125,4,1,0.6875,1.25,1000,900,0.5,1.75,0.9375,5,1,2,1,0,300,1\n"
              "2,0,0,0,0,nan,nan,0,0,nan,nan,nan,0,0,0,0,0,0,0\n");
    EXPECT_EQ(Read(dir / "assignments.csv"), "round,client,expert\n1,1,1\n1,3,0\n1,3,2\n");
    FedMoeParticipantRecord p;
    p.round = 1;
    p.client = 3;
    p.experts = 2;
    p.localSteps = 5;
    p.predictedS = 1.5;
    p.arrivalS = 1.75;
    p.status = "used";
    rec.AddParticipant(p);
    FedMoeParticipantRecord idle;
    idle.round = 1;
    idle.client = 4;
    idle.status = "left_out";
    rec.AddParticipant(idle);
    EXPECT_EQ(Read(dir / "participants.csv"),
              "round,client,experts,local_steps,predicted_s,arrival_s,status\n"
              "1,3,2,5,1.5,1.75,used\n1,4,0,0,nan,nan,left_out\n");
    EXPECT_FALSE(fs::exists(dir / "summary.json"));
}

TEST(FedMoeRecorder, FinishWritesClientsAndSummary)
{
    const fs::path dir = FreshDir("finish");
    FedMoeRecorder rec(dir.string());
    FedMoeClientRecord c;
    c.client = 7;
    c.tier = "laptop";
    c.distanceM = 12;
    c.capacity = {150, 8, 16000, 1e8, 2e8, 0.001, 1.0};
    c.samples = 3000;
    c.goodputBps = 5.5e7;
    c.roundsAssigned = 3;
    rec.Finish({c}, R"({"policy": "greedy", "seed": 1, "final_accuracy": 0.5})");

    EXPECT_EQ(Read(dir / "clients.csv"),
              "client,tier,distance_m,compute_gflops,cores,memory_mb,uplink_bps,downlink_bps,"
              "latency_s,samples,goodput_bps,rtt_s,snr_db,rounds_assigned,rounds_dropped\n"
              "7,laptop,12,150,8,16000,100000000,200000000,0.001,3000,55000000,nan,nan,3,0\n");
    const auto summary = nlohmann::json::parse(Read(dir / "summary.json"));
    EXPECT_EQ(summary["policy"], "greedy");
    EXPECT_EQ(summary["final_accuracy"], 0.5);
    EXPECT_EQ(summary["status"], "ok");
    EXPECT_FALSE(summary.contains("error"));
    EXPECT_FALSE(fs::exists(dir / "summary.json.tmp"));
}

TEST(FedMoeRecorder, FailRecordsTheError)
{
    const fs::path dir = FreshDir("fail");
    FedMoeRecorder rec(dir.string());
    rec.Fail({}, R"({"rounds": 2})", "training diverged");
    const auto summary = nlohmann::json::parse(Read(dir / "summary.json"));
    EXPECT_EQ(summary["status"], "error");
    EXPECT_EQ(summary["error"], "training diverged");
    EXPECT_EQ(summary["rounds"], 2);
}

TEST(FedMoeRecorder, UnwritableDirectoryIsAClearError)
{
    const fs::path dir = FreshDir("blocked");
    fs::create_directories(dir);
    std::ofstream(dir / "file") << "x";
    try
    {
        FedMoeRecorder rec((dir / "file" / "out").string());
        FAIL() << "expected an error";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("cannot create output directory"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find((dir / "file" / "out").string()), std::string::npos);
    }
}

TEST(FedMoeRecorder, FormatsNumbersWithTenSignificantDigits)
{
    EXPECT_EQ(FedMoeRecorder::Format(0.1), "0.1");
    EXPECT_EQ(FedMoeRecorder::Format(123456789.0), "123456789");
    EXPECT_EQ(FedMoeRecorder::Format(1.0 / 3.0), "0.3333333333");
    EXPECT_EQ(FedMoeRecorder::Format(std::numeric_limits<double>::infinity()), "nan");
}
