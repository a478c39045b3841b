// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeScenario::Run: builds the standard scenario's network and
 * federation, runs it (a signal stops it at a safe point) and collects the
 * figures. The options and their checks are in fedmoe-scenario-options.cc.
 */

#include "fedmoe-scenario.h"

#include "../model/compat/fedmoe-ns3-compat.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/fedmoe-alignment-policy.h"
#include "ns3/fedmoe-device-catalog.h"
#include "ns3/fedmoe-device-population.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/fedmoe-flow-calibration.h"
#include "ns3/fedmoe-helper.h"
#include "ns3/fedmoe-learning-options.h"
#include "ns3/fedmoe-server-application.h"
#include "ns3/fedmoe-training-executor.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/system-path.h"
#include "ns3/uinteger.h"

#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeScenario");

namespace
{

/// The signal that asked the run to stop (0: none).
volatile std::sig_atomic_t g_stopSignal = 0;

/// SIGINT/SIGTERM: the first asks the run to stop at the next event; a second
/// one ends the process at once.
extern "C" void
OnStopSignal(int signal)
{
    if (g_stopSignal != 0)
    {
        _exit(128 + signal);
    }
    g_stopSignal = signal;
}

/// Every 50 ms of simulated time: has a signal asked the run to stop?
void
WatchStopSignal(Ptr<FedMoeServerApplication> server)
{
    if (g_stopSignal != 0)
    {
        server->Interrupt(g_stopSignal == SIGINT ? "SIGINT" : "SIGTERM");
        return;
    }
    Simulator::Schedule(MilliSeconds(50), &WatchStopSignal, server);
}

} // namespace

double
FedMoeScenarioResult::NetworkWallS() const
{
    return wallS - setupWallS - trainingWallS - serialisationWallS - aggregationWallS
           - evaluationWallS;
}

void
FedMoeScenario::BuildNetwork(Ptr<Node> server, NodeContainer devices,
                             FedMoeEdgeNetworkHelper& edge) const
{
    ApplyTcpDefaults();
    ApplyFlowCalibration();
    auto population = CreateObject<FedMoeDevicePopulation>();
    population->SetAttribute("Mix", StringValue(mix));
    population->AssignStreams(10);
    for (const auto& profile : population->Install(devices))
    {
        profile->SetUplinkRate(DataRate(
            static_cast<uint64_t>(profile->GetUplinkRate().GetBitRate() * bandwidthScale)));
        profile->SetDownlinkRate(DataRate(
            static_cast<uint64_t>(profile->GetDownlinkRate().GetBitRate() * bandwidthScale)));
        profile->SetPacketErrorRate(errorRate);
    }
    if (fidelity == "flow")
    {
        edge.SetFidelity(FedMoeEdgeNetworkHelper::FLOW);
    }
    if (mobility != "static")
    {
        edge.Mobility().SetModel(MobilityType(mobility));
        edge.Mobility().SetSpeed(speed);
    }
    if (network == "wifi")
    {
        edge.SetDistanceRange(distanceMin, distanceMax, 20);
        edge.SetPropagationLossAttribute("Exponent", DoubleValue(lossExponent));
        edge.InstallWifi(server, devices);
    }
    else if (network == "lte")
    {
        edge.SetDistanceRange(distanceMin, distanceMax, 20);
        edge.Lte().SetScheduler(lteScheduler == "pf" ? "ns3::PfFfMacScheduler"
                                                     : "ns3::RrFfMacScheduler");
        edge.InstallLte(server, devices);
    }
    else
    {
        edge.SetRateFactors(RateFactors());
        edge.InstallPointToPoint(server, devices);
    }
    edge.AssignStreams(100);
}

void
FedMoeScenario::ApplyFlowCalibration() const
{
    if (fidelity != "flow" || flowCalibration.empty())
    {
        return;
    }
    FedMoeFlowFactors factors;
    const std::string error = FedMoeReadFlowCalibration(flowCalibration, factors);
    if (!error.empty())
    {
        throw std::invalid_argument("--flowCalibration: " + error);
    }
    FedMoeApplyFlowFactors(factors);
}

void
FedMoeScenario::KeepBuffersInProcess()
{
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 64 << 20); // buffers up to 64 MiB from the heap
    mallopt(M_TRIM_THRESHOLD, 1 << 30);  // and the heap's top kept up to 1 GiB
#endif
}

void
FedMoeScenario::ApplyTcpDefaults()
{
    // Real TCP stacks use ~1448-byte segments on Ethernet-sized MTUs, not ns-3's 536.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 20));
}

FedMoeScenarioResult
FedMoeScenario::Run() const
{
    const std::string invalid = Validate();
    if (!invalid.empty())
    {
        throw std::invalid_argument(invalid);
    }
    const std::string outDir = Get("outDir");
    const uint32_t rounds = static_cast<uint32_t>(GetNumber("rounds"));
    const double deadline = GetNumber("deadline");
    const auto wallStart = std::chrono::steady_clock::now();
    RngSeedManager::SetSeed(seed);

    // --- network and run: still nothing written -----------------------------
    NodeContainer server;
    server.Create(1);
    NodeContainer devices;
    devices.Create(clients);
    FedMoeEdgeNetworkHelper edge;
    FedMoeHelper fed;
    try
    {
        BuildNetwork(server.Get(0), devices, edge);

        // The model, training, partition, aggregation and round knobs are
        // the attributes' defaults (the aliases set them); the seed is the
        // scenario's one seed.
        Config::SetDefault("ns3::FedMoeModel::Seed", UintegerValue(seed));
        Config::SetDefault("ns3::FedMoePartition::Seed", UintegerValue(seed));
        fed.SetPolicy(policy);
        // Background load on the devices: 0-30 % of each job's time.
        fed.SetComputeModelAttribute("Occupancy",
                                     StringValue("ns3::UniformRandomVariable[Min=0|Max=0.3]"));
        fed.Install(edge);
        fed.AssignStreams(1000);
    }
    catch (const std::exception& e)
    {
        throw std::invalid_argument(e.what());
    }

    // --- from here on, files are written ------------------------------------
    SystemPath::MakeDirectories(outDir);
    if (pcap)
    {
        edge.EnablePcap(outDir + "/edge");
    }
    if (netanim)
    {
        edge.EnableNetAnim(outDir + "/netanim.xml");
    }
    FlowMonitorHelper flowHelper;
    if (flowmon)
    {
        flowHelper.InstallAll();
    }
    NS_LOG_INFO(clients << " clients on " << network << ", policy " << policy << ", " << rounds
                        << " rounds");
    // A safety net only: the server stops the simulation when it is done.
    Simulator::Stop(Seconds(10 + rounds * (deadline + 5) + 60));
    const double setupWall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    // Ctrl-C, timeout(1) and Slurm's time limit end the run at a safe point:
    // rows whole, clients.csv and summary.json written ("status": "interrupted").
    g_stopSignal = 0;
    auto oldInt = std::signal(SIGINT, OnStopSignal);
    auto oldTerm = std::signal(SIGTERM, OnStopSignal);
    Simulator::ScheduleNow(&WatchStopSignal, fed.GetServer());
    Simulator::Run();
    std::signal(SIGINT, oldInt);
    std::signal(SIGTERM, oldTerm);
    if (flowmon)
    {
        flowHelper.SerializeToXmlFile(outDir + "/flowmon.xml", true, true);
    }

    FedMoeScenarioResult result;
    Ptr<FedMoeServerApplication> srv = fed.GetServer();
    const FedMoeRoundCoordinator* coordinator = srv->GetCoordinator();
    result.error = srv->GetError();
    result.signal = g_stopSignal;
    result.roundsCompleted = srv->GetRoundsCompleted();
    result.finalAccuracy = srv->GetFinalAccuracy();
    result.simTimeS = Simulator::Now().GetSeconds();
    result.dropped = srv->GetDroppedCount();
    result.rejected = srv->GetRejectedCount();
    result.setupWallS = setupWall;
    result.trainingWallS = fed.GetExecutor()->GetTrainingWallSeconds();
    result.serialisationWallS = srv->GetSerialisationWallSeconds();
    for (uint32_t i = 0; i < fed.GetNClients(); ++i)
    {
        result.serialisationWallS += fed.GetClient(i)->GetSerialisationWallSeconds();
    }
    if (coordinator)
    {
        result.bytesDown = coordinator->GetBytesDown();
        result.bytesUp = coordinator->GetBytesUp();
        result.roundsToTarget = coordinator->GetRoundsToTarget();
        result.timeToTargetS = coordinator->GetTimeToTargetS();
        result.aggregationWallS = coordinator->GetAggregationWallSeconds();
        result.evaluationWallS = coordinator->GetEvaluationWallSeconds();
        result.rounds = coordinator->GetRecords();
    }
    if (result.error.empty() && result.signal == 0 && result.roundsCompleted < rounds)
    {
        result.error = "only " + std::to_string(result.roundsCompleted) + " of "
                       + std::to_string(rounds) + " rounds completed";
    }
    Simulator::Destroy();
    result.wallS
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    return result;
}

} // namespace ns3