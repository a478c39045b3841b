// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ns-3 TestSuite "fedmoe": the edge device model on real simulated
 * networks (compute time, profile validation, TCP over point-to-point against
 * a hand-derived duration, Wi-Fi near/far goodput, pcap output) and federated
 * rounds with real training. The networks' LTE, mobility and fading cases are
 * the suite "fedmoe-edge-network" (fedmoe-edge-network-test-suite.cc).
 */

#include "../model/compat/fedmoe-ns3-compat.h"
#include "fedmoe-test-util.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/fedmoe-channel-estimator.h"
#include "ns3/fedmoe-channel-probe.h"
#include "ns3/fedmoe-compute-model.h"
#include "ns3/fedmoe-device-catalog.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/fedmoe-helper.h"
#include "ns3/fedmoe-server-application.h"
#include "ns3/lte-ue-net-device.h"
#include "ns3/lte-ue-rrc.h"
#include "ns3/packet.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

using namespace ns3;

using namespace ns3::FedMoeTest;

/**
 * \ingroup fedmoe-tests
 * \brief time = FLOPs / throughput, checked by hand.
 */
class FedmoeComputeTimeTestCase : public TestCase
{
  public:
    FedmoeComputeTimeTestCase()
        : TestCase("FedMoeComputeModel: 2e9 FLOPs at 10 GFLOPs per s take 0.2 s")
    {
    }

  private:
    void DoRun() override
    {
        auto profile = CreateObject<FedMoeDeviceProfile>();
        profile->SetComputeGflops(10.0);
        auto model = CreateObject<FedMoeComputeModel>();
        NS_TEST_ASSERT_MSG_EQ(model->GetComputeTime(profile, 2e9), Seconds(0.2), "no occupancy");
        // Half the device busy: 2e9 / (10e9 x 0.5) = 0.4 s.
        NS_TEST_ASSERT_MSG_EQ(model->GetComputeTime(profile, 2e9, 0.5), Seconds(0.4),
                              "occupancy 0.5");
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief Bad profile values are rejected with a message naming the attribute.
 */
class FedmoeProfileValidationTestCase : public TestCase
{
  public:
    FedmoeProfileValidationTestCase()
        : TestCase("FedMoeDeviceProfile: negative, zero and out-of-range values are rejected")
    {
    }

  private:
    void DoRun() override
    {
        auto p = CreateObject<FedMoeDeviceProfile>();
        std::string msg;
        try
        {
            p->SetAttribute("ComputeGflops", DoubleValue(-1.0));
        }
        catch (const std::invalid_argument& e)
        {
            msg = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(msg.find("ComputeGflops"), std::string::npos, msg);
        bool threw = false;
        try
        {
            p->SetAttribute("Availability", DoubleValue(2.0));
        }
        catch (const std::invalid_argument&)
        {
            threw = true;
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "Availability 2 accepted");
        NS_TEST_ASSERT_MSG_EQ(p->GetAvailability(), 0.95, "value changed by a rejected set");
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief A TCP transfer over a 10 Mbit/s, 5 ms point-to-point link takes the
 *        time TCP should take, and the estimator's goodput converges to it.
 *
 * Expected duration of one 1,000,000-byte transfer with 1448-byte segments:
 * - connection set-up: SYN and SYN-ACK, one RTT = 2 x 5 ms = 10 ms, before
 *   the first data segment leaves;
 * - serialisation: 691 segments, each 1448 B payload + 12 B TCP timestamp
 *   option + 20 B TCP + 20 B IPv4 + 2 B PPP = 1502 B on the wire (the last
 *   carries 880 B, 934 B on the wire): (690 x 1502 + 934) x 8 / 10e6 s
 *   = 0.83158 s;
 * - slow start costs nothing here: the initial window (10 segments, 15 kB)
 *   already exceeds the bandwidth-delay product (10 Mbit/s x 11.2 ms = 14 kB),
 *   so the link is busy from the first segment;
 * - the last byte then needs 5 ms of propagation to reach the sink.
 * Ideal: 0.010 + 0.83158 + 0.005 = 0.84658 s, a lower bound: TCP can only
 * be slower. Slower by how much: slow start doubles cwnd each RTT until the
 * bottleneck queue (FqCoDel, installed by default by Ipv4AddressHelper) drops,
 * and the segments lost in that overshoot are sent twice. That overshoot is
 * bounded by the window growth of one RTT, about a tenth of this transfer's
 * segments, so the upper bound is ideal x 1.10 (ns-3 3.37: ~49 of 691
 * segments retransmitted, 0.912 s). A tighter check: the link is busy except
 * during loss recovery, i.e. duration = 10 ms + (bytes the client's device
 * actually put on the wire, retransmissions included) x 8 / 10 Mbit/s + 5 ms
 * + idle time in recovery. How much idle time depends on ns-3's PRR recovery
 * (the default, TcpPrrRecovery, on both releases): 3.37's PRR uses the
 * slow-start reduction bound (ReductionBound=SSRB), which sends a segment for
 * every one delivered and keeps the link busy; 3.43's PRR (the ReductionBound
 * attribute is gone and DoRecovery is told whether an ACK is a duplicate, as
 * in the PRR update published as RFC 9937) grows the pipe by slow start only
 * on ACKs that advance the window, so the pipe can drain below the
 * bandwidth-delay product for up to one round trip of a recovery episode.
 * Slow-start overshoot causes one episode per transfer, so the idle time is
 * at most one RTT per transfer: 5 x (10 ms + 1.2 ms for one segment) = 56 ms
 * (measured over the five transfers: 3.37 0.02 ms, 3.43 50.2 ms).
 * Goodput = 8e6 bit / duration, so the estimator's goodput is within the
 * same 10 % of 8e6 / ideal; its EWMA of five identical samples equals them.
 */
class FedmoeP2pTcpTestCase : public TestCase
{
  public:
    FedmoeP2pTcpTestCase()
        : TestCase("p2p: 1 MB over TCP at 10 Mbps and 5 ms takes the derived time")
    {
    }

  private:
    void DoRun() override
    {
        SegmentSizeGuard mss(1448);
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(1);
        auto profile = CreateObject<FedMoeDeviceProfile>();
        profile->SetUplinkRate(DataRate("10Mbps"));
        profile->SetDownlinkRate(DataRate("10Mbps"));
        profile->SetLatency(MilliSeconds(5));
        clients.Get(0)->AggregateObject(profile);

        FedMoeEdgeNetworkHelper edge;
        edge.InstallPointToPoint(server.Get(0), clients);
        uint64_t wireBytes = 0;
        edge.GetClientDevices().Get(0)->TraceConnectWithoutContext(
            "PhyTxEnd", MakeBoundCallback(&CountBytes, &wireBytes));
        auto estimator = CreateObject<FedMoeChannelEstimator>();
        auto probe = CreateObject<FedMoeChannelProbe>();
        probe->SetAttribute("PayloadBytes", UintegerValue(1000000));
        probe->SetAttribute("Transfers", UintegerValue(5));
        probe->Install(server.Get(0), clients, {edge.GetServerAddress(0)}, estimator, Seconds(1));
        Simulator::Stop(Seconds(30));
        Simulator::Run();

        const double ideal = 0.010 + (690 * 1502 + 934) * 8 / 10e6 + 0.005;
        NS_TEST_ASSERT_MSG_EQ(probe->GetCompleted(0), 5u, "all transfers complete");
        double total = 0.0;
        for (const Time& d : probe->GetDurations(0))
        {
            NS_TEST_EXPECT_MSG_GT_OR_EQ(d.GetSeconds(), ideal - 1e-4, "faster than the link");
            NS_TEST_EXPECT_MSG_LT_OR_EQ(d.GetSeconds(), ideal * 1.10, "slower than TCP should be");
            total += d.GetSeconds();
        }
        const double busy = 5 * 0.015 + wireBytes * 8 / 10e6;
        const double recoveryIdleMax = 5 * (0.010 + 1502 * 8 / 10e6);
        NS_TEST_EXPECT_MSG_GT_OR_EQ(total, busy * 0.999, "faster than the bytes on the wire");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(total, busy + recoveryIdleMax,
                                    "link idle for more than one RTT per recovery episode");
        const FedMoeChannelEstimate e = estimator->GetEstimate(0);
        const double idealGoodput = 8e6 / ideal;
        NS_TEST_ASSERT_MSG_EQ(e.transferSamples, 5u, "one sample per transfer");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(e.goodputBps, idealGoodput * 1.0001, "goodput above ideal");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(e.goodputBps, idealGoodput / 1.10, "goodput too low");
        NS_TEST_EXPECT_MSG_EQ_TOL(e.goodputBps, 8e6 / probe->GetDurations(0).back().GetSeconds(),
                                  1.0, "EWMA of identical samples");
        // Smallest RTT sample is the handshake's: 2 x 5 ms + SYN and SYN-ACK
        // (58 B each on the wire, 0.046 ms each at 10 Mbit/s) = 10.09 ms.
        NS_TEST_EXPECT_MSG_EQ_TOL(e.rtt.GetSeconds(), 0.01009, 0.0001, "RTT");
        Simulator::Destroy();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief On 802.11ax a station 40 m away gets less goodput (and SNR) than one 5 m away.
 */
class FedmoeWifiNearFarTestCase : public TestCase
{
  public:
    FedmoeWifiNearFarTestCase()
        : TestCase("wifi: a far station gets lower estimated goodput than a near one")
    {
    }

  private:
    void DoRun() override
    {
        SegmentSizeGuard mss(1448);
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(2);
        FedMoeEdgeNetworkHelper edge;
        edge.SetDistances({5.0, 40.0});
        edge.InstallWifi(server.Get(0), clients);
        edge.AssignStreams(100);
        auto estimator = CreateObject<FedMoeChannelEstimator>();
        for (uint32_t i = 0; i < 2; ++i)
        {
            estimator->ConnectWifiPhy(i, edge.GetClientPhy(i), edge.GetApAddress());
        }
        auto probe = CreateObject<FedMoeChannelProbe>();
        probe->SetAttribute("PayloadBytes", UintegerValue(300000));
        // One after the other, so each goodput is its own link's, not a share.
        probe->SetAttribute("Sequential", BooleanValue(true));
        probe->Install(server.Get(0), clients, {edge.GetServerAddress(0), edge.GetServerAddress(1)},
                       estimator, Seconds(1));
        Simulator::Stop(Seconds(20));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(probe->AllComplete(), true, "both transfers complete");
        const FedMoeChannelEstimate near = estimator->GetEstimate(0);
        const FedMoeChannelEstimate far = estimator->GetEstimate(1);
        NS_TEST_EXPECT_MSG_GT(near.goodputBps, far.goodputBps, "near vs far goodput");
        NS_TEST_EXPECT_MSG_GT(near.snrSamples, 0u, "SNR observed");
        NS_TEST_EXPECT_MSG_GT(near.snrDb, far.snrDb + 20.0, "log-distance: 30 log10(8) = 27 dB");
        Simulator::Destroy();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief EnablePcap and EnableAscii write non-empty files.
 */
class FedmoePcapTestCase : public TestCase
{
  public:
    FedmoePcapTestCase()
        : TestCase("tracing: pcap and ascii files are written and non-empty")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(1);
        clients.Get(0)->AggregateObject(CreateObject<FedMoeDeviceProfile>());
        FedMoeEdgeNetworkHelper edge;
        edge.InstallPointToPoint(server.Get(0), clients);
        const std::string prefix = CreateTempDirFilename("fedmoe-edge");
        edge.EnablePcap(prefix);
        edge.EnableAscii(prefix);
        auto probe = CreateObject<FedMoeChannelProbe>();
        probe->SetAttribute("PayloadBytes", UintegerValue(20000));
        probe->Install(server.Get(0), clients, {edge.GetServerAddress(0)}, nullptr, Seconds(0.1));
        Simulator::Run();
        Simulator::Destroy();

        // A pcap file's global header is 24 bytes; more means packets were written.
        const uint32_t clientId = clients.Get(0)->GetId();
        const uint32_t serverId = server.Get(0)->GetId();
        for (uint32_t node : {clientId, serverId})
        {
            const std::string file
                = prefix + "-" + std::to_string(node) + "-"
                  + std::to_string(node == clientId ? edge.GetClientDevices().Get(0)->GetIfIndex()
                                                    : edge.GetServerDevices().Get(0)->GetIfIndex())
                  + ".pcap";
            NS_TEST_EXPECT_MSG_GT(FileSize(file), 24, file);
        }
        NS_TEST_EXPECT_MSG_GT(FileSize(prefix + ".tr"), 0, prefix + ".tr");
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief Federated rounds over a p2p star with real training: every round
 * completes with every update, and a client with a tenth of the compute
 * delivers its UPDATE later than the others (simulated compute time).
 */
class FedmoeRoundsTestCase : public TestCase
{
  public:
    FedmoeRoundsTestCase()
        : TestCase("federation: rounds over a p2p star; compute time shows in arrival times")
    {
    }

  private:
    /// Arrival time of each client's UPDATE in round 1.
    static void Arrived(std::map<uint32_t, Time>* times, uint32_t round, uint32_t client,
                        const FedMoeBytes& /* payload */,
                        const fedmoe::learning::TrainResult& /* update */)
    {
        if (round == 1)
        {
            (*times)[client] = Simulator::Now();
        }
    }

    void DoRun() override
    {
        SegmentSizeGuard guard(1448);
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(3);
        for (uint32_t i = 0; i < 3; ++i)
        {
            auto profile = FedMoeDeviceCatalog::CreateProfile("raspberry-pi-4");
            if (i == 2)
            {
                profile->SetComputeGflops(profile->GetComputeGflops() / 10);
            }
            clients.Get(i)->AggregateObject(profile);
        }
        FedMoeEdgeNetworkHelper edge;
        edge.InstallPointToPoint(server.Get(0), clients);
        fedmoe::learning::ModelOptions model;
        model.dataset = "synthetic";
        model.syntheticTrainSamples = 600;
        model.syntheticTestSamples = 200;
        model.syntheticFeatures = 32;
        model.experts = 3;
        model.hidden = 32;
        FedMoeHelper fed;
        fed.SetModelOptions(model);
        fed.SetPolicy("random");
        fed.SetRoundAttribute("Rounds", UintegerValue(2));
        fed.SetRoundAttribute("LocalSteps", UintegerValue(50));
        fed.SetServerAttribute("Progress", BooleanValue(false));
        fed.SetClientAttribute("UseAvailability", BooleanValue(false));
        fed.Install(edge);
        fed.AssignStreams(1);
        std::map<uint32_t, Time> arrived;
        fed.GetServer()->TraceConnectWithoutContext(
            "UpdateReceived", MakeBoundCallback(&FedmoeRoundsTestCase::Arrived, &arrived));
        Simulator::Stop(Seconds(300));
        Simulator::Run();
        Ptr<FedMoeServerApplication> app = fed.GetServer();
        NS_TEST_EXPECT_MSG_EQ(app->GetError(), "", "the run failed");
        NS_TEST_EXPECT_MSG_EQ(app->GetRoundsCompleted(), 2, "rounds completed");
        NS_TEST_EXPECT_MSG_EQ(app->GetDroppedCount(), 0, "nobody dropped");
        NS_TEST_EXPECT_MSG_EQ(std::isfinite(app->GetFinalAccuracy()), true, "evaluated");
        NS_TEST_ASSERT_MSG_EQ(arrived.size(), 3, "three updates in round 1");
        NS_TEST_EXPECT_MSG_GT(arrived[2], arrived[0], "the slow device arrives later");
        NS_TEST_EXPECT_MSG_GT(arrived[2], arrived[1], "the slow device arrives later");
        Simulator::Destroy();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief The fedmoe module's ns-3 TestSuite: devices, links, federated rounds.
 */
class FedmoeTestSuite : public TestSuite
{
  public:
    FedmoeTestSuite()
        : TestSuite("fedmoe", FedMoeCompat::TEST_SUITE_UNIT)
    {
        AddTestCase(new FedmoeComputeTimeTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeProfileValidationTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeP2pTcpTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeWifiNearFarTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoePcapTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeRoundsTestCase, FedMoeCompat::TEST_QUICK);
    }
};

/// The suite's one instance registers it with ns-3's test runner.
static FedmoeTestSuite g_fedmoeTestSuite;
