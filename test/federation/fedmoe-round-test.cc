// SPDX-License-Identifier: GPL-2.0-only
/*
 * Federated rounds end to end on a small p2p star (synthetic data, 4 clients,
 * 4 experts, 3 rounds): the bytes on the wire are the codec's, the global
 * model is the learning core's aggregation of them; a client whose link dies
 * mid-upload is cut at the deadline; corrupted messages are rejected and
 * traced while the run goes on; same seed, same rounds.csv; a far Wi-Fi
 * client is slower than a near one.
 */

#include "fedmoe-scenario.h"

#include "ns3/error-model.h"
#include "ns3/fedmoe-client-application.h"
#include "ns3/fedmoe-header.h"
#include "ns3/fedmoe-job-messages.h"
#include "ns3/fedmoe-message-framer.h"
#include "ns3/fedmoe-payload.h"
#include "ns3/inet-socket-address.h"
#include "ns3/pointer.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace ns3;
using fedmoe_test::Scenario;
using fedmoe_test::ScenarioOptions;
namespace learning = fedmoe::learning;
namespace fs = std::filesystem;

namespace
{

using Key = std::pair<uint32_t, uint32_t>; // (round, client)

/// Everything the traces saw.
struct Observed
{
    std::map<Key, FedMoeBytes> assignSent;
    std::map<Key, FedMoeBytes> assignReceived;
    std::map<Key, FedMoeBytes> updateSent;
    std::map<Key, FedMoeBytes> updateReceived;
    std::map<uint32_t, std::vector<learning::TrainResult>> updates; // per round
    std::map<Key, Time> updateTime;
    std::map<uint32_t, Time> roundStart;
    std::vector<Key> dropped;
    std::vector<std::pair<Key, FedMoeRejection>> rejected;
    std::vector<FedMoeRoundRecord> records;
};

void
Watch(Scenario& s, Observed& seen)
{
    Ptr<FedMoeServerApplication> server = s.fed.GetServer();
    server->TraceConnectWithoutContext(
        "AssignSent", MakeCallback(+[](Observed* o, uint32_t r, uint32_t c, const FedMoeBytes& p)
                                   {
                                       o->assignSent[{r, c}] = p;
                                   })
                          .Bind(&seen));
    server->TraceConnectWithoutContext(
        "UpdateReceived", MakeCallback(+[](Observed* o, uint32_t r, uint32_t c,
                                           const FedMoeBytes& p, const learning::TrainResult& u)
                                       {
                                           o->updateReceived[{r, c}] = p;
                                           o->updates[r].push_back(u);
                                           o->updateTime[{r, c}] = Simulator::Now();
                                       })
                              .Bind(&seen));
    server->TraceConnectWithoutContext("RoundStarted",
                                       MakeCallback(+[](Observed* o, uint32_t r, uint32_t)
                                                    {
                                                        o->roundStart[r] = Simulator::Now();
                                                    })
                                           .Bind(&seen));
    server->TraceConnectWithoutContext("ClientDropped",
                                       MakeCallback(+[](Observed* o, uint32_t r, uint32_t c)
                                                    {
                                                        o->dropped.push_back({r, c});
                                                    })
                                           .Bind(&seen));
    server->TraceConnectWithoutContext("MessageRejected",
                                       MakeCallback(+[](Observed* o, uint32_t r, uint32_t c,
                                                        FedMoeRejection why, const std::string&)
                                                    {
                                                        o->rejected.push_back({{r, c}, why});
                                                    })
                                           .Bind(&seen));
    server->TraceConnectWithoutContext("RoundCompleted",
                                       MakeCallback(+[](Observed* o, const FedMoeRoundRecord& rec)
                                                    {
                                                        o->records.push_back(rec);
                                                    })
                                           .Bind(&seen));
    for (uint32_t i = 0; i < s.fed.GetNClients(); ++i)
    {
        Ptr<FedMoeClientApplication> client = s.fed.GetClient(i);
        client->TraceConnectWithoutContext(
            "AssignReceived",
            MakeCallback(+[](Observed* o, uint32_t r, uint32_t c, const FedMoeBytes& p)
                         {
                             o->assignReceived[{r, c}] = p;
                         })
                .Bind(&seen));
        client->TraceConnectWithoutContext(
            "UpdateSent",
            MakeCallback(+[](Observed* o, uint32_t r, uint32_t c, const FedMoeBytes& p)
                         {
                             o->updateSent[{r, c}] = p;
                         })
                .Bind(&seen));
    }
}

std::string
Read(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// rounds.csv without the wall_time_s column.
std::string
RoundsWithoutWallTime(const fs::path& file)
{
    std::istringstream in(Read(file));
    std::string line;
    std::string out;
    while (std::getline(in, line))
    {
        std::vector<std::string> cells;
        std::stringstream ls(line);
        std::string cell;
        while (std::getline(ls, cell, ','))
        {
            cells.push_back(cell);
        }
        for (std::size_t i = 0; i < cells.size(); ++i)
        {
            if (i != 2)
            {
                out += cells[i] + ",";
            }
        }
        out += "\n";
    }
    return out;
}

fs::path
FreshDir(const std::string& name)
{
    fs::path dir = fs::temp_directory_path() / ("fedmoe-round-test-" + name);
    fs::remove_all(dir);
    return dir;
}

/// Sends raw bytes to the server from a new socket on a client node.
void
SendRaw(Ptr<Node> node, Ipv4Address server, std::vector<uint8_t> bytes)
{
    Ptr<Socket> socket = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
    socket->Bind();
    socket->SetConnectCallback(MakeCallback(+[](std::vector<uint8_t> b, Ptr<Socket> s)
                                            {
                                                s->Send(Create<Packet>(b.data(), b.size()));
                                            })
                                   .Bind(bytes),
                               MakeNullCallback<void, Ptr<Socket>>());
    socket->Connect(InetSocketAddress(server, 7100));
}

std::vector<uint8_t>
Bytes(Ptr<Packet> p)
{
    std::vector<uint8_t> b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

} // namespace

TEST(FedMoeRound, WireBytesAreTheCodecsAndTheModelIsTheLearningCoresAggregation)
{
    ScenarioOptions o;
    Scenario s(o);
    Observed seen;
    Watch(s, seen);
    s.Run();
    Ptr<FedMoeServerApplication> server = s.fed.GetServer();
    ASSERT_EQ(server->GetError(), "");
    ASSERT_EQ(server->GetRoundsCompleted(), 3u);
    EXPECT_EQ(server->GetDroppedCount(), 0u);
    EXPECT_EQ(server->GetRejectedCount(), 0u);
    ASSERT_FALSE(seen.assignSent.empty());

    // A second learning core from the same options replays the run.
    learning::FederatedMoe replay(s.fed.GetModelOptions(), s.fed.GetTrainOptions());
    for (const auto& [key, sent] : seen.assignSent)
    {
        const auto [round, client] = key;
        SCOPED_TRACE("round " + std::to_string(round) + " client " + std::to_string(client));
        // The client read exactly what the server encoded.
        ASSERT_EQ(seen.assignReceived.at(key), sent);
        FedMoeAssign assign;
        ASSERT_EQ(FedMoePayload::Decode(sent, assign), "");
        // The server received exactly the codec's bytes of training that job.
        const learning::TrainResult expected = replay.Train(
            FedMoeJobMessages::MakeJob(client, assign, s.fed.GetShards().at(client)));
        ASSERT_TRUE(expected.error.empty()) << expected.error;
        const FedMoeBytes encoded = FedMoePayload::Encode(FedMoeJobMessages::ToUpdate(expected));
        EXPECT_EQ(seen.updateSent.at(key), encoded);
        EXPECT_EQ(seen.updateReceived.at(key), encoded);
    }
    // Replaying the aggregation of the received updates gives the same model.
    for (auto& [round, updates] : seen.updates)
    {
        std::sort(updates.begin(), updates.end(),
                  [](const auto& a, const auto& b)
                  {
                      return a.client < b.client;
                  });
        replay.Aggregate(updates, learning::AggregationOptions());
    }
    auto model = s.fed.GetModel();
    EXPECT_EQ(replay.EncodeGate(), model->EncodeGate());
    for (uint32_t e = 0; e < model->Experts(); ++e)
    {
        EXPECT_EQ(replay.EncodeExpert(e), model->EncodeExpert(e)) << "expert " << e;
    }
    EXPECT_EQ(replay.Evaluate().accuracy, model->Evaluate().accuracy);
    // Every job was precomputed; none had to be trained at receipt.
    EXPECT_EQ(s.fed.GetExecutor()->GetTrainedOnDemandCount(), 0u);
    EXPECT_EQ(s.fed.GetExecutor()->GetPrecomputedCount(), seen.assignSent.size());
    // Byte counts: every ASSIGN and UPDATE message, header included.
    uint64_t down = 0;
    uint64_t up = 0;
    for (const auto& [k, p] : seen.assignSent)
    {
        down += p.size() + FedMoeHeader::SERIALIZED_SIZE;
    }
    for (const auto& [k, p] : seen.updateReceived)
    {
        up += p.size() + FedMoeHeader::SERIALIZED_SIZE;
    }
    EXPECT_EQ(server->GetCoordinator()->GetBytesDown(), down);
    EXPECT_EQ(server->GetCoordinator()->GetBytesUp(), up);
}

TEST(FedMoeRound, AClientWhoseLinkDiesMidUploadIsCutAtTheDeadline)
{
    ScenarioOptions o;
    o.deadlineS = 4.0;
    o.hidden = 64; // bigger updates: several segments in flight
    Scenario s(o);
    Observed seen;
    Watch(s, seen);
    // When client 3 starts uploading in round 2, its link starts dropping everything.
    Ptr<NetDevice> serverSide = s.edge.GetServerDevices().Get(3);
    s.fed.GetClient(3)->TraceConnectWithoutContext(
        "UpdateSent",
        MakeCallback(+[](Ptr<NetDevice> dev, uint32_t round, uint32_t, const FedMoeBytes&)
                     {
                         if (round == 2)
                         {
                             auto em = CreateObject<RateErrorModel>();
                             em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
                             em->SetRate(1.0);
                             dev->SetAttribute("ReceiveErrorModel", PointerValue(em));
                         }
                     })
            .Bind(serverSide));
    s.Run();
    Ptr<FedMoeServerApplication> server = s.fed.GetServer();
    ASSERT_EQ(server->GetError(), "");
    ASSERT_EQ(server->GetRoundsCompleted(), 3u);
    ASSERT_TRUE(seen.updateSent.count({2, 3}));
    EXPECT_FALSE(seen.updateReceived.count({2, 3}));
    ASSERT_GE(seen.dropped.size(), 1u);
    EXPECT_EQ(seen.dropped.front(), Key(2, 3));
    ASSERT_EQ(seen.records.size(), 3u);
    EXPECT_EQ(seen.records[0].dropped, 0u);
    EXPECT_EQ(seen.records[1].dropped, 1u);
    // Round 2 ended at its deadline, not before.
    EXPECT_NEAR(seen.records[1].simTimeS, seen.roundStart.at(2).GetSeconds() + o.deadlineS, 1e-6);
    // The others' updates of round 2 were aggregated.
    EXPECT_EQ(seen.updates.at(2).size(), seen.assignSent.count({2, 0})
                                             + seen.assignSent.count({2, 1})
                                             + seen.assignSent.count({2, 2}));
    EXPECT_TRUE(std::isfinite(seen.records[2].testAccuracy));
}

TEST(FedMoeRound, CorruptedMessagesAreRejectedAndTheRunGoesOn)
{
    ScenarioOptions o;
    o.computeEfficiency = 1e-5; // rounds of a few seconds: the injections land mid-run
    Scenario s(o);
    Observed seen;
    Watch(s, seen);
    const Ipv4Address serverAddress = s.edge.GetServerAddress(0);
    Ptr<Node> node = s.devices.Get(0);
    // Garbage: bad magic; the server closes that connection.
    Simulator::Schedule(Seconds(1.5), &SendRaw, node, serverAddress,
                        std::vector<uint8_t>(64, 0xab));
    // A valid frame whose payload was altered after the checksum: BAD_CHECKSUM.
    FedMoeHello hello;
    hello.tier = "rogue";
    hello.capacity = {1, 1, 100, 1e6, 1e6, 0.01, 1.0};
    std::vector<uint8_t> bad = Bytes(
        FedMoeMessageFramer::Encode(FedMoeMessageType::HELLO, 0, 9, FedMoePayload::Encode(hello)));
    bad.back() ^= 0xff;
    Simulator::Schedule(Seconds(1.6), &SendRaw, node, serverAddress, bad);
    // A well-formed UPDATE impersonating client 1 on a connection without HELLO.
    FedMoeUpdate update;
    update.experts = {0};
    update.gate = {1, 2, 3};
    update.expertParams = {{4, 5, 6}};
    update.routedSamples = {0, 0, 0, 0};
    update.routingShare = {0, 0, 0, 0};
    Simulator::Schedule(Seconds(1.7), &SendRaw, node, serverAddress,
                        Bytes(FedMoeMessageFramer::Encode(FedMoeMessageType::UPDATE, 1, 1,
                                                          FedMoePayload::Encode(update))));
    s.Run();
    Ptr<FedMoeServerApplication> server = s.fed.GetServer();
    ASSERT_EQ(server->GetError(), "");
    EXPECT_EQ(server->GetRoundsCompleted(), 3u);
    EXPECT_EQ(server->GetDroppedCount(), 0u);
    std::vector<FedMoeRejection> reasons;
    for (const auto& [key, why] : seen.rejected)
    {
        reasons.push_back(why);
    }
    EXPECT_EQ(reasons, (std::vector<FedMoeRejection>{FedMoeRejection::BAD_MAGIC,
                                                     FedMoeRejection::BAD_CHECKSUM,
                                                     FedMoeRejection::UNEXPECTED}));
    EXPECT_EQ(server->GetRejectedCount(), 3u);
    ASSERT_EQ(seen.records.size(), 3u);
    EXPECT_LT(seen.roundStart.at(1), Seconds(1.5)); // injected during the run
    EXPECT_GT(seen.records.back().simTimeS, 1.8);
    // The impersonated client's real update was still used.
    for (uint32_t r = 1; r <= 3; ++r)
    {
        EXPECT_EQ(seen.updateReceived.count({r, 1}), seen.assignSent.count({r, 1}));
    }
}

namespace
{

/// Runs the scenario twice, each in its own process, and compares the records.
void
ExpectSameRecordsTwice(const ScenarioOptions& base, const std::string& name)
{
    // Each run in its own process, as a user would run it twice.
    auto runInChild = [&base](const fs::path& dir)
    {
        const pid_t pid = fork();
        if (pid == 0)
        {
            int code = 1;
            try
            {
                ScenarioOptions o = base;
                o.outDir = dir.string();
                Scenario s(o);
                s.Run();
                code = s.fed.GetServer()->GetError().empty() ? 0 : 1;
            }
            catch (...)
            {
            }
            _exit(code);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    };
    const fs::path a = FreshDir(name + "-a");
    const fs::path b = FreshDir(name + "-b");
    ASSERT_EQ(runInChild(a), 0);
    ASSERT_EQ(runInChild(b), 0);
    const std::string rowsA = RoundsWithoutWallTime(a / "rounds.csv");
    EXPECT_EQ(std::count(rowsA.begin(), rowsA.end(), '\n'), 1 + base.rounds); // header + rounds
    EXPECT_EQ(rowsA, RoundsWithoutWallTime(b / "rounds.csv"));
    EXPECT_EQ(Read(a / "assignments.csv"), Read(b / "assignments.csv"));
    EXPECT_EQ(Read(a / "clients.csv"), Read(b / "clients.csv"));
    EXPECT_NE(Read(a / "summary.json").find("\"status\": \"ok\""), std::string::npos);
}

} // namespace

TEST(FedMoeRound, SameSeedSameRoundsCsv)
{
    ExpectSameRecordsTwice(ScenarioOptions(), "seed");
}

TEST(FedMoeRound, SameSeedSameRecordsOnLte)
{
    ScenarioOptions o;
    o.lte = true;
    o.distances = {50, 150, 300, 450};
    o.rounds = 2;
    ExpectSameRecordsTwice(o, "lte-seed");
}

TEST(FedMoeRound, AFarWifiClientTakesLongerPerRoundThanANearOne)
{
    ScenarioOptions o;
    o.clients = 2;
    o.experts = 2;
    o.wifi = true;
    o.distances = {2.0, 45.0};
    o.hidden = 64;
    o.features = 64;
    o.deadlineS = 30;
    o.policy = "random"; // both clients hold both experts: same bytes, same FLOPs
    Scenario s(o);
    Observed seen;
    Watch(s, seen);
    s.Run();
    ASSERT_EQ(s.fed.GetServer()->GetError(), "");
    ASSERT_EQ(s.fed.GetServer()->GetRoundsCompleted(), 3u);
    for (uint32_t r = 1; r <= 3; ++r)
    {
        ASSERT_TRUE(seen.updateTime.count({r, 0}) && seen.updateTime.count({r, 1}))
            << "round " << r;
        const Time near = seen.updateTime.at({r, 0}) - seen.roundStart.at(r);
        const Time far = seen.updateTime.at({r, 1}) - seen.roundStart.at(r);
        EXPECT_GT(far, near) << "round " << r;
    }
    const auto records = s.fed.GetServer()->GetClientRecords();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_GT(records[0].goodputBps, records[1].goodputBps);
    EXPECT_GT(records[0].snrDb, records[1].snrDb);
}

TEST(FedMoeRound, HeldOutSplitsNeverTrainAndGiveThePersonalisedAccuracy)
{
    ScenarioOptions o;
    o.outDir = FreshDir("personal").string();
    Scenario s(o);
    Ptr<FedMoeTrainingExecutor> executor = s.fed.GetExecutor();
    for (uint32_t c = 0; c < o.clients; ++c)
    {
        const std::vector<int64_t>& shard = executor->GetShard(c);
        const std::vector<int64_t>& heldOut = executor->GetHoldout(c);
        EXPECT_EQ(shard, s.fed.GetShards()[c]);
        EXPECT_EQ(heldOut, s.fed.GetHoldouts()[c]);
        // The default share, 0.2, of what the partition gave the client.
        EXPECT_EQ(heldOut.size(),
                  static_cast<std::size_t>(std::llround(0.2 * (shard.size() + heldOut.size()))));
        std::vector<int64_t> common;
        std::set_intersection(shard.begin(), shard.end(), heldOut.begin(), heldOut.end(),
                              std::back_inserter(common));
        EXPECT_TRUE(common.empty()) << "client " << c << " trains on its held-out samples";
    }
    s.Run();
    ASSERT_TRUE(s.fed.GetServer()->GetError().empty()) << s.fed.GetServer()->GetError();
    const FedMoeRoundCoordinator* c = s.fed.GetServer()->GetCoordinator();
    ASSERT_NE(c, nullptr);
    for (const FedMoeRoundRecord& r : c->GetRecords())
    {
        EXPECT_TRUE(std::isfinite(r.personalAccuracy)) << "round " << r.round;
        EXPECT_GE(r.personalAccuracy, 0.0);
        EXPECT_LE(r.personalAccuracy, 1.0);
    }
    const std::string summary = Read(fs::path(o.outDir) / "summary.json");
    EXPECT_NE(summary.find("\"final_personal_accuracy\""), std::string::npos);
    EXPECT_NE(Read(fs::path(o.outDir) / "rounds.csv").find(",personal_accuracy,"),
              std::string::npos);
}
