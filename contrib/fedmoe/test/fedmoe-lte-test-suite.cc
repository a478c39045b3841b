// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ns-3 TestSuite "fedmoe-lte": the LTE edge (FedMoeLteHelper through
 * FedMoeEdgeNetworkHelper::InstallLte): near and cell-edge goodput, two
 * cells, a crowded cell, the reported SINR against the link budget, LOS/NLOS
 * updates and LTE's outputs.
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
#include "ns3/lte-enb-net-device.h"
#include "ns3/lte-enb-rrc.h"
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
 * \brief LTE: a UE 100 m from the eNB uploads faster, and reports a higher
 *        SINR, than one at the cell edge (2 km).
 *
 * 3GPP urban macro path loss, always LOS, no shadowing, so the ordering is
 * the path loss's alone. Uplink (UL EARFCN 18100, 1930 MHz; eNB 25 m, UE
 * 1.5 m high; breakpoint d'BP = 4 x 24 m x 0.5 m x fc / c = 309 m):
 * - 100 m: PL1 = 28 + 22 log10(102.7) + 20 log10(1.93) = 78.0 dB;
 * - 2 km: PL2 = 28 + 40 log10(2000) + 20 log10(1.93) - 9 log10(309^2 + 23.5^2)
 *   = 120.9 dB.
 * Uplink power control (P0 -80 dBm, alpha 1) asks the cell-edge UE for more
 * than Pcmax, so it sends 23 dBm over 25 RBs, 9 dBm per RB; eNB noise per RB
 * -174 + 10 log10(180 kHz) + 5 dB = -116.5 dBm: SINR 9 - 120.9 + 116.5 =
 * 4.6 dB, a low MCS; the near UE reaches the top MCS. Sequential transfers,
 * so each UE has the cell to itself. Measured (ns-3.37 and 3.43 alike):
 * 9.64 vs 1.64 Mbit/s, reported DL SINR 49.7 vs 7.5 dB.
 */
class FedmoeLteNearEdgeTestCase : public TestCase
{
  public:
    FedmoeLteNearEdgeTestCase()
        : TestCase("lte: a UE at the cell edge gets lower goodput and SINR than a near one")
    {
    }

  private:
    void DoRun() override
    {
        SegmentSizeGuard mss(1400);
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(2);
        FedMoeEdgeNetworkHelper edge;
        edge.SetDistances({100.0, 2000.0});
        edge.Lte().SetChannelCondition("ns3::AlwaysLosChannelConditionModel");
        edge.Lte().SetShadowing(false);
        edge.InstallLte(server.Get(0), clients);
        edge.AssignStreams(100);
        auto estimator = CreateObject<FedMoeChannelEstimator>();
        edge.ConnectChannelEstimator(estimator);
        auto probe = CreateObject<FedMoeChannelProbe>();
        probe->SetAttribute("PayloadBytes", UintegerValue(200000));
        probe->SetAttribute("Sequential", BooleanValue(true));
        probe->Install(server.Get(0), clients, {edge.GetServerAddress(0), edge.GetServerAddress(1)},
                       estimator, Seconds(0.5));
        Simulator::Stop(Seconds(8));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(probe->AllComplete(), true, "both transfers complete");
        const FedMoeChannelEstimate near = estimator->GetEstimate(0);
        const FedMoeChannelEstimate edgeUe = estimator->GetEstimate(1);
        NS_TEST_EXPECT_MSG_GT(near.goodputBps, edgeUe.goodputBps * 1.5, "near vs edge goodput");
        NS_TEST_EXPECT_MSG_GT(near.snrDb, edgeUe.snrDb + 30.0, "near vs edge SINR");
        Simulator::Destroy();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief LTE with two eNBs 500 m apart: client i is served by eNB i mod 2 at
 *        its distance from that eNB, and every client's upload arrives.
 */
class FedmoeLteTwoCellsTestCase : public TestCase
{
  public:
    FedmoeLteTwoCellsTestCase()
        : TestCase("lte: two eNBs each serve their UEs, placed by distance from their own eNB")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(4);
        FedMoeEdgeNetworkHelper edge;
        edge.SetDistances({50.0, 80.0, 120.0, 150.0});
        edge.Lte().SetEnbs(2, 500.0);
        edge.Lte().SetShadowing(false);
        edge.InstallLte(server.Get(0), clients);
        edge.AssignStreams(100);
        std::vector<Ipv4Address> addresses;
        for (uint32_t i = 0; i < 4; ++i)
        {
            addresses.push_back(edge.GetServerAddress(i));
        }
        auto probe = CreateObject<FedMoeChannelProbe>();
        probe->SetAttribute("PayloadBytes", UintegerValue(50000));
        probe->Install(server.Get(0), clients, addresses, nullptr, Seconds(0.3));
        Simulator::Stop(Seconds(3));
        Simulator::Run();

        NS_TEST_EXPECT_MSG_EQ(probe->AllComplete(), true, "every upload arrives");
        const double expected[] = {50.0, 80.0, 120.0, 150.0};
        for (uint32_t i = 0; i < 4; ++i)
        {
            // 2D distance d, eNB 25 m and UE 1.5 m high: 3D sqrt(d^2 + 23.5^2).
            NS_TEST_EXPECT_MSG_EQ_TOL(edge.GetDistance(i), std::hypot(expected[i], 23.5), 1e-9,
                                      "distance of client " << i);
            // Cell ids count from 1 in installation order.
            const auto ue = DynamicCast<LteUeNetDevice>(edge.GetClientDevices().Get(i));
            NS_TEST_EXPECT_MSG_EQ(ue->GetRrc()->GetCellId(), i % 2 + 1, "cell of client " << i);
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief LTE: more UEs in one cell than ns-3's default SRS periodicity (40)
 *        has slots for. FedMoeLteHelper widens the periodicity to the cell's
 *        load (here 80), so every UE attaches and its upload arrives (with
 *        the default, ns-3's scheduler aborts: "No info find in HARQ buffer").
 */
class FedmoeLteCrowdedCellTestCase : public TestCase
{
  public:
    FedmoeLteCrowdedCellTestCase()
        : TestCase("lte: 45 UEs in one cell all attach and upload")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 45;
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(n);
        FedMoeEdgeNetworkHelper edge;
        std::vector<double> distances;
        for (uint32_t i = 0; i < n; ++i)
        {
            distances.push_back(40.0 + 4.0 * i);
        }
        edge.SetDistances(distances);
        edge.Lte().SetShadowing(false);
        edge.InstallLte(server.Get(0), clients);
        edge.AssignStreams(100);
        UintegerValue srs;
        DynamicCast<LteEnbNetDevice>(edge.Lte().GetEnbDevices().Get(0))
            ->GetRrc()
            ->GetAttribute("SrsPeriodicity", srs);
        NS_TEST_EXPECT_MSG_EQ(srs.Get(), 80, "SRS periodicity for 45 UEs");
        std::vector<Ipv4Address> addresses;
        for (uint32_t i = 0; i < n; ++i)
        {
            addresses.push_back(edge.GetServerAddress(i));
        }
        auto probe = CreateObject<FedMoeChannelProbe>();
        probe->SetAttribute("PayloadBytes", UintegerValue(5000));
        probe->Install(server.Get(0), clients, addresses, nullptr, Seconds(0.5));
        Simulator::Stop(Seconds(4));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(probe->AllComplete(), true, "every UE's upload arrives");
        Simulator::Destroy();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief LTE: the SINR a UE reports reaches the FedMoeChannelEstimator, at the
 *        value the link budget gives.
 *
 * Downlink (DL EARFCN 100, 2120 MHz), UE 100 m from the eNB, LOS, no
 * shadowing: d3D = sqrt(100^2 + 23.5^2) = 102.7 m, below the breakpoint
 * (339 m), PL1 = 28 + 22 log10(102.7) + 20 log10(2.12) = 78.8 dB. The eNB's
 * 30 dBm spread over 25 RBs is 16.0 dBm per RB; the UE's noise per RB is
 * -174 + 10 log10(180 kHz) + 9 dB = -112.4 dBm; one cell, no interference:
 * SINR = 16.0 - 78.8 + 112.4 = 49.7 dB (measured: 49.68 dB, 50 reports).
 */
class FedmoeLteSinrTestCase : public TestCase
{
  public:
    FedmoeLteSinrTestCase()
        : TestCase(
            "lte: the UE's reported SINR reaches the FedMoeChannelEstimator (49.7 dB at 100 m)")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(1);
        FedMoeEdgeNetworkHelper edge;
        edge.SetDistances({100.0});
        edge.Lte().SetChannelCondition("ns3::AlwaysLosChannelConditionModel");
        edge.Lte().SetShadowing(false);
        edge.Lte().SetSinrReportPeriod(MilliSeconds(10));
        edge.InstallLte(server.Get(0), clients);
        auto estimator = CreateObject<FedMoeChannelEstimator>();
        edge.ConnectChannelEstimator(estimator);
        Simulator::Stop(Seconds(0.5));
        Simulator::Run();

        const FedMoeChannelEstimate e = estimator->GetEstimate(0);
        // One report per 10 ms for 0.5 s, from the first subframe on.
        NS_TEST_EXPECT_MSG_GT_OR_EQ(e.snrSamples, 40u, "SINR reports");
        NS_TEST_EXPECT_MSG_EQ_TOL(e.snrDb, 49.7, 0.5, "SINR from the link budget");
        Simulator::Destroy();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief LTE: LOS/NLOS drawn again every 100 ms (ThreeGppUmaChannelConditionModel's
 *        UpdatePeriod) makes the reported SINR jump between the two link
 *        budgets; drawn once, it stays put.
 *
 * UE 150 m from the eNB, no shadowing, DL 2.12 GHz: d3D = 151.8 m;
 * LOS PL = 28 + 22 log10(151.8) + 20 log10(2.12) = 82.5 dB, SINR 128.5 - 82.5
 * = 46.0 dB (see the SINR test for 128.5 dB); NLOS PL = max(LOS PL, 13.54 +
 * 39.08 log10(151.8) + 20 log10(2.12)) = 105.3 dB, SINR 23.2 dB. 3GPP's UMa
 * LOS probability at 150 m is 18/150 + exp(-150/63) (1 - 18/150) = 0.2, so
 * 30 draws show both states (measured: 2 LOS draws of 30, 20 and 280 reports).
 */
class FedmoeLteConditionUpdateTestCase : public TestCase
{
  public:
    FedmoeLteConditionUpdateTestCase()
        : TestCase(
            "fading: LTE LOS or NLOS redrawn every 100 ms moves the SINR between 46 and 23 dB")
    {
    }

  private:
    /// Raw SINR samples over 3 s with the condition redrawn every period (0: never).
    static std::vector<double> Run(Time period)
    {
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(1);
        FedMoeEdgeNetworkHelper edge;
        edge.SetDistances({150.0});
        edge.Lte().SetChannelCondition("ns3::ThreeGppUmaChannelConditionModel");
        edge.Lte().SetConditionUpdatePeriod(period);
        edge.Lte().SetShadowing(false);
        edge.Lte().SetSinrReportPeriod(MilliSeconds(10));
        edge.InstallLte(server.Get(0), clients);
        edge.AssignStreams(100);
        auto estimator = CreateObject<FedMoeChannelEstimator>();
        estimator->SetSmoothing(1.0);
        std::vector<double> samples;
        estimator->TraceConnectWithoutContext("Updated", MakeBoundCallback(&RecordSnr, &samples));
        edge.ConnectChannelEstimator(estimator);
        Simulator::Stop(Seconds(3));
        Simulator::Run();
        Simulator::Destroy();
        return samples;
    }

    void DoRun() override
    {
        const double los = 46.0;
        const double nlos = 23.2;
        uint32_t seen[2] = {0, 0};
        const auto redrawn = Run(MilliSeconds(100));
        NS_TEST_ASSERT_MSG_GT(redrawn.size(), 250u, "SINR reports");
        for (double sinr : redrawn)
        {
            const bool isLos = std::abs(sinr - los) < 0.5;
            const bool isNlos = std::abs(sinr - nlos) < 0.5;
            NS_TEST_EXPECT_MSG_EQ(isLos || isNlos, true, "SINR " << sinr << " dB is neither");
            ++seen[isLos ? 0 : 1];
        }
        NS_TEST_EXPECT_MSG_GT(seen[0], 0u, "LOS seen");
        NS_TEST_EXPECT_MSG_GT(seen[1], 0u, "NLOS seen");
        const auto once = Run(Seconds(0));
        double lo = once.front();
        double hi = once.front();
        for (double sinr : once)
        {
            lo = std::min(lo, sinr);
            hi = std::max(hi, sinr);
        }
        NS_TEST_EXPECT_MSG_LT(hi - lo, 0.01, "condition drawn once: constant SINR");
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief LTE outputs: the server's backhaul pcap holds the upload, RLC and
 *        PDCP statistics and a NetAnim file are written.
 */
class FedmoeLteOutputsTestCase : public TestCase
{
  public:
    FedmoeLteOutputsTestCase()
        : TestCase("tracing: LTE backhaul pcap, RLC and PDCP statistics, NetAnim files")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer server;
        server.Create(1);
        NodeContainer clients;
        clients.Create(1);
        const std::string prefix = CreateTempDirFilename("fedmoe-lte");
        {
            FedMoeEdgeNetworkHelper edge;
            edge.SetDistances({100.0});
            edge.InstallLte(server.Get(0), clients);
            edge.EnablePcap(prefix);
            edge.Lte().EnableStats(prefix);
            edge.EnableNetAnim(prefix + ".xml");
            auto probe = CreateObject<FedMoeChannelProbe>();
            probe->SetAttribute("PayloadBytes", UintegerValue(100000));
            probe->Install(server.Get(0), clients, {edge.GetServerAddress(0)}, nullptr,
                           Seconds(0.3));
            Simulator::Stop(Seconds(1.5));
            Simulator::Run();
            NS_TEST_EXPECT_MSG_EQ(probe->AllComplete(), true, "upload complete");
            Simulator::Destroy();
        }
        // Every payload byte crossed the server's end of the backhaul.
        const std::string pcap = prefix + "-" + std::to_string(server.Get(0)->GetId()) + "-"
                                 + std::to_string(1) + ".pcap";
        NS_TEST_EXPECT_MSG_GT(FileSize(pcap), 100000 + 24, pcap);
        // A header line, then a row per bearer per 0.25 s epoch with traffic.
        for (const char* name : {"-ul-rlc.txt", "-ul-pdcp.txt", "-dl-rlc.txt", "-dl-pdcp.txt"})
        {
            NS_TEST_EXPECT_MSG_GT(LineCount(prefix + name), 1, prefix + name);
        }
        NS_TEST_EXPECT_MSG_GT(FileSize(prefix + ".xml"), 1000, prefix + ".xml");
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief The LTE edge's ns-3 TestSuite.
 */
class FedmoeLteTestSuite : public TestSuite
{
  public:
    FedmoeLteTestSuite()
        : TestSuite("fedmoe-lte", FedMoeCompat::TEST_SUITE_UNIT)
    {
        AddTestCase(new FedmoeLteNearEdgeTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeLteTwoCellsTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeLteCrowdedCellTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeLteSinrTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeLteConditionUpdateTestCase, FedMoeCompat::TEST_QUICK);
        AddTestCase(new FedmoeLteOutputsTestCase, FedMoeCompat::TEST_QUICK);
    }
};

/// The suite's one instance registers it with ns-3's test runner.
static FedmoeLteTestSuite g_fedmoeLteTestSuite;
