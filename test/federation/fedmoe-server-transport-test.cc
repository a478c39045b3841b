// SPDX-License-Identifier: GPL-2.0-only
/*
 * The transport seam: FedMoeServerApplication runs whole rounds through a
 * FedMoeServerTransport that is not TCP (a loopback written here, standing in
 * for a flow-level model): no socket anywhere, made-up delivery times, and the
 * server's deadline, drops, rejections and channel observations follow them.
 */

#include "fedmoe-scenario.h"

#include "ns3/boolean.h"
#include "ns3/fedmoe-job-messages.h"
#include "ns3/fedmoe-message-framer.h"
#include "ns3/fedmoe-payload.h"
#include "ns3/fedmoe-server-application.h"
#include "ns3/fedmoe-server-transport.h"
#include "ns3/fedmoe-training-executor.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

using namespace ns3;
namespace learning = fedmoe::learning;

namespace
{

/// The message a framed packet holds.
FedMoeMessage
Unframe(Ptr<Packet> packet)
{
    FedMoeMessageFramer framer(1u << 30);
    framer.Append(packet);
    FedMoeMessageFramer::Result r = framer.Next();
    EXPECT_EQ(r.status, FedMoeMessageFramer::Status::MESSAGE);
    return r.message;
}

/// Clients as the test makes them up: link i is client i, which says HELLO at
/// 0.5 s and answers an ASSIGN with the executor's result after its delay.
class LoopbackTransport : public FedMoeServerTransport
{
  public:
    LoopbackTransport(Ptr<FedMoeTrainingExecutor> executor, std::vector<double> delaysS)
        : m_executor(executor),
          m_delaysS(std::move(delaysS))
    {
    }

    std::string Start(Ptr<Node> /* node */) override
    {
        for (uint32_t c = 0; c < m_delaysS.size(); ++c)
        {
            Simulator::Schedule(Seconds(0.5), &LoopbackTransport::Hello, this, c);
        }
        return "";
    }

    void Send(uint32_t link, Ptr<Packet> packet, DeliveredCallback delivered) override
    {
        const FedMoeMessage m = Unframe(packet);
        ++assignsSent;
        Simulator::Schedule(MilliSeconds(200), &LoopbackTransport::Delivered, this, delivered);
        FedMoeAssign assign;
        EXPECT_EQ(FedMoePayload::Decode(m.payload, assign), "");
        const learning::TrainResult result = m_executor->Take(m.header.GetRound(), link, m.payload,
                                                              assign, m_executor->GetShard(link));
        const FedMoeBytes update = FedMoePayload::Encode(FedMoeJobMessages::ToUpdate(result));
        Simulator::Schedule(Seconds(m_delaysS.at(link)), &LoopbackTransport::Deliver, this, link,
                            FedMoeMessageType::UPDATE, m.header.GetRound(), update);
    }

    void Close(uint32_t link) override
    {
        closed.push_back(link);
    }

    void StopAccepting() override
    {
    }

    void Stop() override
    {
        stopped = true;
    }

    void RestartRttWindow() override
    {
    }

    std::map<uint32_t, Time> GetMinRtts() const override
    {
        return {{0, MilliSeconds(40)}};
    }

    uint32_t assignsSent{0};
    std::vector<uint32_t> closed;
    bool stopped{false};

  private:
    void Hello(uint32_t client)
    {
        FedMoeHello hello;
        hello.tier = "made-up";
        hello.capacity.computeGflops = 20.0 + client;
        Deliver(client, FedMoeMessageType::HELLO, 0, FedMoePayload::Encode(hello));
    }

    void Deliver(uint32_t link, FedMoeMessageType type, uint32_t round, FedMoeBytes payload)
    {
        m_bytes(link, 1000);
        m_message(link, Unframe(FedMoeMessageFramer::Encode(type, round, link, payload)),
                  MilliSeconds(100));
    }

    void Delivered(DeliveredCallback delivered)
    {
        if (!delivered.IsNull())
        {
            delivered();
        }
    }

    Ptr<FedMoeTrainingExecutor> m_executor;
    std::vector<double> m_delaysS;
};

} // namespace

TEST(FedMoeServerTransport, RoundsRunThroughATransportThatIsNotTcp)
{
    RngSeedManager::SetSeed(5);
    fedmoe_test::ScenarioOptions o;
    auto model = std::make_shared<learning::FederatedMoe>(fedmoe_test::SmallModel(o),
                                                          learning::TrainOptions());
    Ptr<FedMoeTrainingExecutor> executor = CreateObject<FedMoeTrainingExecutor>();
    executor->SetAttribute("Threads", UintegerValue(2));
    executor->SetModel(model);
    for (uint32_t c = 0; c < 3; ++c)
    {
        std::vector<int64_t> shard;
        for (int64_t i = c * 200; i < c * 200 + 200; ++i)
        {
            shard.push_back(i);
        }
        executor->RegisterShard(c, shard);
    }
    // Client 2 answers after 6 s: past the 5 s deadline.
    Ptr<LoopbackTransport> transport
        = CreateObject<LoopbackTransport>(executor, std::vector<double>{1.0, 2.0, 6.0});
    Ptr<FedMoeServerApplication> server = CreateObject<FedMoeServerApplication>();
    server->SetAttribute("Transport", PointerValue(transport));
    server->SetAttribute("ExpectedClients", UintegerValue(3));
    server->SetAttribute("RoundOptions",
                         PointerValue(CreateObjectWithAttributes<FedMoeRoundOptions>(
                             "Rounds", UintegerValue(2), "LocalSteps", UintegerValue(3))));
    server->SetAttribute("RoundDeadline", TimeValue(Seconds(5)));
    server->SetAttribute("Progress", BooleanValue(false));
    server->SetAttribute("Policy", PointerValue(FedMoeAlignmentPolicy::Create("load-balanced")));
    server->SetExecutor(executor);
    server->AssignStreams(10);
    Ptr<Node> node = CreateObject<Node>();
    node->AddApplication(server);
    server->SetStartTime(Seconds(0));

    std::vector<std::pair<uint32_t, uint32_t>> updates;
    std::vector<std::pair<uint32_t, uint32_t>> dropped;
    std::vector<FedMoeRoundRecord> records;
    std::string endSummary;
    server->TraceConnectWithoutContext(
        "UpdateReceived",
        MakeCallback(+[](std::vector<std::pair<uint32_t, uint32_t>>* u, uint32_t r, uint32_t c,
                         const FedMoeBytes&, const learning::TrainResult&)
                     {
                         u->push_back({r, c});
                     })
            .Bind(&updates));
    server->TraceConnectWithoutContext(
        "ClientDropped",
        MakeCallback(+[](std::vector<std::pair<uint32_t, uint32_t>>* d, uint32_t r, uint32_t c)
                     {
                         d->push_back({r, c});
                     })
            .Bind(&dropped));
    server->TraceConnectWithoutContext(
        "RoundCompleted",
        MakeCallback(+[](std::vector<FedMoeRoundRecord>* v, const FedMoeRoundRecord& r)
                     {
                         v->push_back(r);
                     })
            .Bind(&records));
    server->TraceConnectWithoutContext(
        "RunEnded", MakeCallback(+[](std::string* s, const std::string& summary,
                                     const std::vector<FedMoeClientRecord>&, const std::string&)
                                 {
                                     *s = summary;
                                 })
                        .Bind(&endSummary));
    Simulator::Stop(Seconds(60));
    Simulator::Run();

    EXPECT_EQ(server->GetError(), "");
    ASSERT_EQ(records.size(), 2u);
    // Round 1 opens at the last HELLO (0.5 s) and is cut at its deadline.
    EXPECT_DOUBLE_EQ(records[0].simTimeS, 5.5);
    EXPECT_DOUBLE_EQ(records[1].simTimeS, 10.5);
    EXPECT_EQ(records[0].participants, 3u);
    EXPECT_EQ(records[0].dropped, 1u);
    EXPECT_EQ(records[0].bytesUp, 2000u); // two UPDATEs of "1000 bytes" in the round
    const std::vector<std::pair<uint32_t, uint32_t>> used{{1, 0}, {1, 1}, {2, 0}, {2, 1}};
    EXPECT_EQ(updates, used);
    EXPECT_EQ(dropped, (std::vector<std::pair<uint32_t, uint32_t>>{{1, 2}, {2, 2}}));
    // Client 2's round-1 UPDATE arrives in round 2: rejected as late. Its
    // round-2 one would arrive after the end (the simulation stops first).
    EXPECT_EQ(server->GetRejectedCount(), 1u);
    EXPECT_EQ(transport->assignsSent, 6u);
    EXPECT_TRUE(transport->stopped);
    EXPECT_FALSE(endSummary.empty());

    // What the transport reported reached the scoreboard and clients.csv.
    const std::vector<FedMoeClientRecord> clients = server->GetClientRecords();
    ASSERT_EQ(clients.size(), 3u);
    EXPECT_EQ(clients[1].tier, "made-up");
    EXPECT_EQ(clients[1].capacity.computeGflops, 21.0);
    EXPECT_DOUBLE_EQ(clients[0].rttS, 0.04);
    EXPECT_TRUE(std::isnan(clients[1].rttS));
    EXPECT_GT(clients[0].goodputBps, 0.0);
    // Its late UPDATE was refused, but the bytes travelled: its uplink was observed.
    EXPECT_GT(clients[2].goodputBps, 0.0);
    // ... and counted as unused in the round it arrived in (its real size: this
    // transport reports a made-up one to bytesUp).
    EXPECT_EQ(records[0].unusedBytesUp, 0u);
    EXPECT_GT(records[1].unusedBytesUp, 0u);
    EXPECT_EQ(records[0].missing, 1u);
    EXPECT_EQ(records[0].picked, 3u);
    EXPECT_EQ(records[0].leftOut, 0u);
    EXPECT_EQ(clients[2].roundsDropped, 2u);
    const FedMoeRoundCoordinator* coordinator = server->GetCoordinator();
    ASSERT_NE(coordinator, nullptr);
    // Downlink goodput of the 200 ms ASSIGN deliveries was observed.
    EXPECT_GT(coordinator->GetScoreboard().ObservationOf(1, 0.0).goodputDownBps, 0.0);
    Simulator::Destroy();
}
