// SPDX-License-Identifier: GPL-2.0-only
/*
 * The flow level: the max-min sharing against hand-computed allocations, one
 * link's transfer time against bytes / rate + latency + TCP's start-up, two
 * flows sharing a cell, a station moving away, connections refused and
 * closed, and whole federated runs: flow against packet level and the same
 * seed giving the same records.
 */

#include "fedmoe-scenario.h"

#include "ns3/constant-position-mobility-model.h"
#include "ns3/constant-velocity-mobility-model.h"
#include "ns3/fedmoe-flow-network.h"
#include "ns3/fedmoe-flow-radio.h"
#include "ns3/fedmoe-flow-sharing.h"
#include "ns3/propagation-loss-model.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace ns3;
namespace fs = std::filesystem;

namespace
{

FedMoeFlowDemand
Demand(std::vector<std::pair<uint32_t, double>> uses, double weight = 1.0,
       double bound = std::numeric_limits<double>::infinity())
{
    FedMoeFlowDemand d;
    d.uses = std::move(uses);
    d.weight = weight;
    d.bound = bound;
    return d;
}

} // namespace

TEST(FedMoeFlowSharing, MatchesHandComputedMaxMinAllocations)
{
    // Two equal flows on one 10 bit/s link: 5 each.
    auto r = FedMoeShareCapacity({10.0}, {Demand({{0, 1.0}}), Demand({{0, 1.0}})});
    EXPECT_NEAR(r[0], 5.0, 1e-9);
    EXPECT_NEAR(r[1], 5.0, 1e-9);

    // A cell's airtime (capacity 1): stations at 10 and 1 bit/s. Equal
    // throughput (DCF): 0.1 x + 1 x = 1 -> x = 1 / 1.1 for both.
    r = FedMoeShareCapacity({1.0}, {Demand({{0, 0.1}}), Demand({{0, 1.0}})});
    EXPECT_NEAR(r[0], 1.0 / 1.1, 1e-9);
    EXPECT_NEAR(r[1], 1.0 / 1.1, 1e-9);
    // Equal airtime (weights = rates): half the time each -> 5 and 0.5.
    r = FedMoeShareCapacity({1.0}, {Demand({{0, 0.1}}, 10.0), Demand({{0, 1.0}}, 1.0)});
    EXPECT_NEAR(r[0], 5.0, 1e-9);
    EXPECT_NEAR(r[1], 0.5, 1e-9);

    // A flow held to 2 by its own bound leaves 8 to the other.
    r = FedMoeShareCapacity({10.0}, {Demand({{0, 1.0}}, 1.0, 2.0), Demand({{0, 1.0}})});
    EXPECT_NEAR(r[0], 2.0, 1e-9);
    EXPECT_NEAR(r[1], 8.0, 1e-9);

    // Two resources: r1 (4) is f1's and f2's bottleneck (2 each); f0 gets
    // what f1 leaves of r0 (10 - 2).
    r = FedMoeShareCapacity({10.0, 4.0},
                            {Demand({{0, 1.0}}), Demand({{0, 1.0}, {1, 1.0}}), Demand({{1, 1.0}})});
    EXPECT_NEAR(r[0], 8.0, 1e-9);
    EXPECT_NEAR(r[1], 2.0, 1e-9);
    EXPECT_NEAR(r[2], 2.0, 1e-9);

    // A resource of capacity 0 stalls its flows, and only them.
    r = FedMoeShareCapacity({0.0, 3.0}, {Demand({{0, 1.0}}), Demand({{1, 1.0}})});
    EXPECT_EQ(r[0], 0.0);
    EXPECT_NEAR(r[1], 3.0, 1e-9);

    // Invariant on a larger random-looking case: no resource over capacity,
    // every flow blocked by a full resource or its bound.
    std::vector<double> capacity{5, 7, 3, 11};
    std::vector<FedMoeFlowDemand> flows;
    for (uint32_t f = 0; f < 12; ++f)
    {
        flows.push_back(Demand({{f % 4, 0.5 + f % 3}, {(f * 7 + 1) % 4, 1.0}}, 1.0 + f % 2,
                               f % 5 == 0 ? 0.3 : std::numeric_limits<double>::infinity()));
    }
    r = FedMoeShareCapacity(capacity, flows);
    std::vector<double> used(capacity.size(), 0.0);
    for (size_t f = 0; f < flows.size(); ++f)
    {
        for (const auto& [res, cost] : flows[f].uses)
        {
            used[res] += cost * r[f];
        }
    }
    for (size_t k = 0; k < capacity.size(); ++k)
    {
        EXPECT_LE(used[k], capacity[k] * (1 + 1e-9)) << "resource " << k;
    }
    for (size_t f = 0; f < flows.size(); ++f)
    {
        bool blocked = r[f] >= flows[f].bound * (1 - 1e-9);
        for (const auto& [res, cost] : flows[f].uses)
        {
            blocked = blocked || used[res] >= capacity[res] * (1 - 1e-9);
        }
        EXPECT_TRUE(blocked) << "flow " << f << " could still grow";
    }
}

TEST(FedMoeFlowSharing, RejectsBadInputNamingIt)
{
    EXPECT_THROW(FedMoeShareCapacity({1.0}, {Demand({{1, 1.0}})}), std::invalid_argument);
    EXPECT_THROW(FedMoeShareCapacity({1.0}, {Demand({{0, 0.0}})}), std::invalid_argument);
    EXPECT_THROW(FedMoeShareCapacity({1.0}, {Demand({{0, 1.0}}, -1.0)}), std::invalid_argument);
    EXPECT_THROW(FedMoeShareCapacity({-1.0}, {Demand({{0, 1.0}})}), std::invalid_argument);
    EXPECT_THROW(FedMoeShareCapacity({1.0}, {Demand({})}), std::invalid_argument);
    try
    {
        FedMoeShareCapacity({1.0}, {Demand({{0, 1.0}}), Demand({{0, std::nan("")}})});
        FAIL() << "a NaN cost was accepted";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("flow 1"), std::string::npos) << e.what();
    }
}

namespace
{

/// One client connected to a listening "server" on a flow network; records
/// when each message sent down arrives.
struct Endpoints
{
    Ptr<FedMoeFlowNetwork> network;
    std::vector<uint32_t> connections;
    std::vector<std::vector<double>> arrivals; //!< per client, delivery times (s)
    std::vector<bool> up;                      //!< per client, connected
    bool refused{false};

    explicit Endpoints(Ptr<FedMoeFlowAccess> access, uint32_t clients, bool listen = true)
        : arrivals(clients),
          up(clients, false)
    {
        network = CreateObject<FedMoeFlowNetwork>();
        network->SetAccess(access);
        if (listen)
        {
            network->Listen(FedMoeFlowNetwork::AcceptCallback(
                [this](uint32_t c)
                {
                    network->SetServerCallbacks(c, FedMoeFlowNetwork::DeliverCallback(),
                                                FedMoeFlowNetwork::EventCallback());
                }));
        }
        for (uint32_t i = 0; i < clients; ++i)
        {
            connections.push_back(network->Connect(i,
                                                   FedMoeFlowNetwork::EventCallback(
                                                       [this, i]()
                                                       {
                                                           up[i] = true;
                                                       }),
                                                   FedMoeFlowNetwork::EventCallback(
                                                       [this]()
                                                       {
                                                           refused = true;
                                                       }),
                                                   FedMoeFlowNetwork::DeliverCallback(
                                                       [this, i](Ptr<Packet>, Time)
                                                       {
                                                           arrivals[i].push_back(
                                                               Now().GetSeconds());
                                                       }),
                                                   FedMoeFlowNetwork::EventCallback()));
        }
    }

    void SendDown(double at, uint32_t client, uint32_t bytes)
    {
        Simulator::Schedule(Seconds(at),
                            [this, client, bytes]()
                            {
                                network->Send(connections[client], FedMoeFlowDirection::DOWN,
                                              Create<Packet>(bytes),
                                              FedMoeFlowNetwork::EventCallback());
                            });
    }
};

} // namespace

TEST(FedMoeFlowNetwork, OneLinkTakesBytesOverRatePlusLatencyPlusSlowStart)
{
    auto access = CreateObject<FedMoeFlowP2pAccess>();
    access->AddLink(DataRate("10Mbps"), DataRate("10Mbps"), MilliSeconds(20), 0.0);
    access->AddLink(DataRate("10Mbps"), DataRate("10Mbps"), MilliSeconds(50), 0.0);
    Endpoints e(access, 2);
    const uint32_t bytes = 1000000;
    e.SendDown(1.0, 0, bytes);
    e.SendDown(5.0, 0, bytes);
    e.SendDown(1.0, 1, bytes);
    Simulator::Run();
    Simulator::Destroy();
    ASSERT_TRUE(e.up[0]);
    ASSERT_TRUE(e.up[1]);
    ASSERT_EQ(e.arrivals[0].size(), 2u);
    // By hand: 1448 payload bytes per 1502 on the wire; RTT 40 ms; the window
    // (10 x 1448 B) doubles twice before it holds the 48.2 kB the link
    // carries per RTT: 2 RTTs spent, 43,440 B sent in them.
    const double rate = 10e6 * 1448.0 / 1502.0;
    const double startup = 2 * 0.040 - 8.0 * 43440 / rate;
    const double first = startup + 8.0 * bytes / rate + 0.020;
    EXPECT_NEAR(e.arrivals[0][0] - 1.0, first, 0.01 * first);
    // The window stays open: the second message pays no start-up.
    const double second = 8.0 * bytes / rate + 0.020;
    EXPECT_NEAR(e.arrivals[0][1] - 5.0, second, 1e-6);
    // The other link's own RTT (100 ms) sets its start-up: the window
    // doubles four times (14,480 -> 231,680 B) before it holds the 120.5 kB
    // the link carries per RTT, 217,200 B sent in those 4 RTTs.
    ASSERT_EQ(e.arrivals[1].size(), 1u);
    const double farStartup = 4 * 0.100 - 8.0 * 217200 / rate;
    const double far = farStartup + 8.0 * bytes / rate + 0.050;
    EXPECT_NEAR(e.arrivals[1][0] - 1.0, far, 1e-6);
}

TEST(FedMoeFlowNetwork, TwoStationsOfOneCellEachGetHalfAndAnUnreachableOneStalls)
{
    NodeContainer nodes;
    nodes.Create(4); // AP, two stations 5 m away, one 5 km away
    const std::vector<Vector> where{{0, 0, 0}, {5, 0, 0}, {-5, 0, 0}, {5000, 0, 0}};
    for (uint32_t i = 0; i < 4; ++i)
    {
        auto m = CreateObject<ConstantPositionMobilityModel>();
        m->SetPosition(where[i]);
        nodes.Get(i)->AggregateObject(m);
    }
    auto access = CreateObject<FedMoeFlowWifiAccess>();
    access->SetAttribute("DownlinkEfficiency", DoubleValue(0.5));
    NodeContainer stations(nodes.Get(1), nodes.Get(2), nodes.Get(3));
    access->SetCell(nodes.Get(0), stations, CreateObject<LogDistancePropagationLossModel>(), false);
    Endpoints e(access, 3);
    const uint32_t bytes = 2000000;
    // Open both windows first, then: station 1 alone, then both together.
    e.SendDown(1.0, 0, bytes);
    e.SendDown(1.0, 1, bytes);
    e.SendDown(3.0, 0, bytes);
    e.SendDown(6.0, 0, bytes);
    e.SendDown(6.0, 1, bytes);
    e.SendDown(1.0, 2, bytes);
    Simulator::Stop(Seconds(30));
    Simulator::Run();
    Simulator::Destroy();
    ASSERT_EQ(e.arrivals[0].size(), 3u);
    ASSERT_EQ(e.arrivals[1].size(), 2u);
    const double alone = e.arrivals[0][1] - 3.0 - 0.001;
    const double together0 = e.arrivals[0][2] - 6.0 - 0.001;
    const double together1 = e.arrivals[1][1] - 6.0 - 0.001;
    EXPECT_NEAR(together0, 2 * alone, 1e-6);
    EXPECT_NEAR(together1, 2 * alone, 1e-6);
    // The SNR 5 m away is high: the top HE MCS at 20 MHz (143.4 Mbit/s) times
    // the MAC efficiency (0.5 here), less the headers.
    EXPECT_NEAR(8.0 * bytes / alone, 143.4e6 * 0.5 * 1448 / 1502, 0.005 * 143.4e6);
    // 5 km away no MCS works: the transfer never ends (the round's deadline
    // deals with it), and it takes nothing from the others.
    EXPECT_TRUE(e.arrivals[2].empty());
}

TEST(FedMoeFlowNetwork, AStationMovingAwayGetsSlowerTransfers)
{
    NodeContainer nodes;
    nodes.Create(2);
    auto ap = CreateObject<ConstantPositionMobilityModel>();
    nodes.Get(0)->AggregateObject(ap);
    auto sta = CreateObject<ConstantVelocityMobilityModel>();
    sta->SetPosition(Vector(2, 0, 0));
    sta->SetVelocity(Vector(4, 0, 0)); // 2 m -> 122 m over 30 s
    nodes.Get(1)->AggregateObject(sta);
    auto loss = CreateObject<LogDistancePropagationLossModel>();
    loss->SetAttribute("Exponent", DoubleValue(3.0));
    auto access = CreateObject<FedMoeFlowWifiAccess>();
    access->SetCell(nodes.Get(0), NodeContainer(nodes.Get(1)), loss, true);
    Endpoints e(access, 1);
    for (int k = 0; k < 6; ++k)
    {
        e.SendDown(1.0 + 5.0 * k, 0, 4000000);
    }
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    Simulator::Destroy();
    ASSERT_GE(e.arrivals[0].size(), 4u);
    std::vector<double> seconds;
    for (size_t k = 0; k < e.arrivals[0].size(); ++k)
    {
        seconds.push_back(e.arrivals[0][k] - (1.0 + 5.0 * k));
    }
    EXPECT_GT(seconds.back(), 1.5 * seconds.front());
    for (size_t k = 1; k < seconds.size(); ++k)
    {
        EXPECT_GE(seconds[k], seconds[k - 1] * 0.999) << "transfer " << k;
    }
}

TEST(FedMoeFlowNetwork, NoListenerRefusesTheConnection)
{
    auto access = CreateObject<FedMoeFlowP2pAccess>();
    access->AddLink(DataRate("1Mbps"), DataRate("1Mbps"), MilliSeconds(5), 0.0);
    Endpoints e(access, 1, false);
    Simulator::Run();
    Simulator::Destroy();
    EXPECT_TRUE(e.refused);
    EXPECT_FALSE(e.up[0]);
}

namespace
{

std::string
Slurp(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A column of rounds.csv, as text.
std::vector<std::string>
Column(const fs::path& dir, const std::string& name)
{
    std::istringstream in(Slurp(dir / "rounds.csv"));
    std::string line;
    std::getline(in, line);
    std::vector<std::string> names;
    std::stringstream h(line);
    for (std::string cell; std::getline(h, cell, ',');)
    {
        names.push_back(cell);
    }
    const size_t k = std::find(names.begin(), names.end(), name) - names.begin();
    std::vector<std::string> values;
    while (std::getline(in, line))
    {
        std::stringstream row(line);
        std::string cell;
        for (size_t j = 0; std::getline(row, cell, ','); ++j)
        {
            if (j == k)
            {
                values.push_back(cell);
            }
        }
    }
    return values;
}

/// A numeric column of rounds.csv.
std::vector<double>
Numbers(const fs::path& dir, const std::string& name)
{
    std::vector<double> values;
    for (const auto& cell : Column(dir, name))
    {
        values.push_back(std::stod(cell));
    }
    return values;
}

/// The sum of a numeric column of rounds.csv.
double
Sum(const fs::path& dir, const std::string& name)
{
    double total = 0;
    for (double v : Numbers(dir, name))
    {
        total += v;
    }
    return total;
}

/// rounds.csv without its wall_time_s column (the one figure a rerun changes).
std::string
RoundsWithoutWallTime(const fs::path& dir)
{
    std::istringstream in(Slurp(dir / "rounds.csv"));
    std::string line;
    std::string out;
    while (std::getline(in, line))
    {
        std::vector<std::string> cells;
        std::stringstream row(line);
        std::string cell;
        while (std::getline(row, cell, ','))
        {
            cells.push_back(cell);
        }
        for (size_t k = 0; k < cells.size(); ++k)
        {
            if (k != 2)
            {
                out += cells[k] + ",";
            }
        }
        out += "\n";
    }
    return out;
}

} // namespace

TEST(FedMoeFlowNetwork, FederatedRunsMatchThePacketLevelAndRepeatThemselves)
{
    const fs::path root = fs::temp_directory_path() / "fedmoe-flow-network-test";
    fs::remove_all(root);
    auto run = [&root](const std::string& name, bool flow)
    {
        fedmoe_test::ScenarioOptions o;
        o.rounds = 3;
        o.flow = flow;
        o.outDir = (root / name).string();
        fedmoe_test::Scenario s(o);
        s.Run();
        return s.fed.GetServer()->GetRoundsCompleted();
    };
    ASSERT_EQ(run("packet", false), 3u);
    ASSERT_EQ(run("flow", true), 3u);
    ASSERT_EQ(run("flow-again", true), 3u);
    // Same seed, same records.
    EXPECT_EQ(RoundsWithoutWallTime(root / "flow"), RoundsWithoutWallTime(root / "flow-again"));
    EXPECT_EQ(Slurp(root / "flow" / "participants.csv"),
              Slurp(root / "flow-again" / "participants.csv"));
    // The real bytes travel at both levels: load-balanced assigns the same
    // experts, so every ASSIGN and UPDATE has the same size.
    EXPECT_EQ(Numbers(root / "packet", "bytes_down"), Numbers(root / "flow", "bytes_down"));
    EXPECT_EQ(Numbers(root / "packet", "bytes_up"), Numbers(root / "flow", "bytes_up"));
    // Round times within 10 % of the packet level's.
    const auto packet = Numbers(root / "packet", "sim_time_s");
    const auto flow = Numbers(root / "flow", "sim_time_s");
    ASSERT_EQ(packet.size(), flow.size());
    for (size_t r = 1; r < packet.size(); ++r)
    {
        const double p = packet[r] - packet[r - 1];
        const double f = flow[r] - flow[r - 1];
        EXPECT_NEAR(f, p, 0.10 * p) << "round " << r + 1;
    }
    fs::remove_all(root);
}

TEST(FedMoeFlowNetwork, DeclaredExpertSizesAreWhatTheWireCarriesAndCounts)
{
    const fs::path root = fs::temp_directory_path() / "fedmoe-flow-declared-test";
    fs::remove_all(root);
    const uint64_t declared = 400000; // a 100k-parameter fp32 expert
    uint64_t realExpert = 0;
    auto run = [&](const std::string& name, uint64_t wire)
    {
        fedmoe_test::ScenarioOptions o;
        o.rounds = 2;
        o.flow = true;
        o.deadlineS = 60;
        o.expertWireBytes = wire;
        o.outDir = (root / name).string();
        fedmoe_test::Scenario s(o);
        s.Run();
        realExpert = s.fed.GetModel()->ExpertBytes();
        return s.fed.GetServer()->GetRoundsCompleted();
    };
    ASSERT_EQ(run("real", 0), 2u);
    ASSERT_EQ(run("declared", declared), 2u);
    // Load-balanced assigns the same experts either way: each ASSIGN weighs
    // (declared - real) more per expert it carries, and so does each UPDATE.
    std::istringstream assignments(Slurp(root / "declared" / "assignments.csv"));
    std::string line;
    std::getline(assignments, line);
    double pairs = 0;
    while (std::getline(assignments, line))
    {
        pairs += 1;
    }
    ASSERT_GT(pairs, 0);
    const double extra = pairs * (static_cast<double>(declared) - static_cast<double>(realExpert));
    EXPECT_DOUBLE_EQ(Sum(root / "declared", "bytes_down") - Sum(root / "real", "bytes_down"),
                     extra);
    EXPECT_DOUBLE_EQ(Sum(root / "declared", "bytes_up") - Sum(root / "real", "bytes_up"), extra);
    // 4 devices x ~2 experts x 0.4 MB each way at Raspberry-Pi links: rounds take longer.
    EXPECT_GT(Sum(root / "declared", "sim_time_s"), Sum(root / "real", "sim_time_s") + 0.1);
    const auto summary = nlohmann::json::parse(Slurp(root / "declared" / "summary.json"));
    EXPECT_EQ(summary.at("declared_expert_bytes").get<uint64_t>(), declared);
    EXPECT_EQ(summary.at("declared_gate_bytes").get<uint64_t>(), 0u);
    EXPECT_EQ(summary.at("fidelity").get<std::string>(), "flow");
    fs::remove_all(root);
}

TEST(FedMoeFlowNetwork, TimingOnlyRunsTakeTheRealRunsTimeAndSayTheyTrainedNothing)
{
    const fs::path root = fs::temp_directory_path() / "fedmoe-timing-only-test";
    fs::remove_all(root);
    uint64_t trained = 0;
    auto run = [&](const std::string& name, bool timingOnly)
    {
        fedmoe_test::ScenarioOptions o;
        o.rounds = 3;
        o.flow = true;
        o.policy = "random"; // the same draws whatever the training says
        o.timingOnly = timingOnly;
        o.outDir = (root / name).string();
        fedmoe_test::Scenario s(o);
        s.Run();
        trained = s.fed.GetExecutor()->GetSubmittedCount();
        return s.fed.GetServer()->GetRoundsCompleted();
    };
    ASSERT_EQ(run("real", false), 3u);
    ASSERT_GT(trained, 0u);
    ASSERT_EQ(run("timing", true), 3u);
    EXPECT_EQ(trained, 0u) << "a timing-only run trained jobs";
    // The compute model takes the same FLOPs (from the layer shapes and the
    // steps) and the messages have the same sizes: the same round times.
    const auto real = Column(root / "real", "sim_time_s");
    const auto timing = Column(root / "timing", "sim_time_s");
    ASSERT_EQ(real.size(), timing.size());
    for (size_t r = 0; r < real.size(); ++r)
    {
        EXPECT_NEAR(std::stod(timing[r]), std::stod(real[r]), 1e-6) << "round " << r + 1;
    }
    EXPECT_EQ(Column(root / "real", "bytes_down"), Column(root / "timing", "bytes_down"));
    // Marked: no accuracy, and the summary says so.
    for (const auto& accuracy : Column(root / "timing", "test_accuracy"))
    {
        EXPECT_EQ(accuracy, "nan");
    }
    const auto summary = nlohmann::json::parse(Slurp(root / "timing" / "summary.json"));
    EXPECT_TRUE(summary.at("timing_only").get<bool>());
    EXPECT_FALSE(
        nlohmann::json::parse(Slurp(root / "real" / "summary.json")).at("timing_only").get<bool>());
    fs::remove_all(root);
}
