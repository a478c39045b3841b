// SPDX-License-Identifier: GPL-2.0-only
/*
 * edge-network-demo: an edge server and N heterogeneous devices (drawn from
 * the FedMoeDeviceCatalog) on an 802.11ax cell or a point-to-point star; every
 * device uploads a payload to the server over TCP, and the table shows what
 * the server's FedMoeChannelEstimator observed per device.
 *
 *   ./fedmoe run edge-network-demo -- --clients=8 --distanceMax=60 --pcap=true
 */

#include "ns3/boolean.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/fedmoe-channel-estimator.h"
#include "ns3/fedmoe-channel-probe.h"
#include "ns3/fedmoe-device-population.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/system-path.h"
#include "ns3/uinteger.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

/// Ends the simulation once every device's upload has arrived (beacons would
/// otherwise keep a Wi-Fi simulation going until the stop time).
void
StopWhenDone(Ptr<FedMoeChannelProbe> probe, uint32_t /* client */, uint64_t /* bytes */,
             Time /* duration */)
{
    if (probe->AllComplete())
    {
        Simulator::Stop();
    }
}

/// Prints a usage error and gives the exit status for it.
int
Usage(const std::string& message)
{
    std::cerr << "edge-network-demo: " << message << " (see --help)\n";
    return 2;
}

} // namespace

int
main(int argc, char** argv)
{
    uint32_t clients = 6;
    double distanceMin = 1.0;
    double distanceMax = 40.0;
    uint64_t payloadBytes = 500000;
    std::string topology = "wifi";
    std::string mix = "mcu-sensor=1,raspberry-pi-4=2,jetson-nano=1,midrange-phone=2,laptop=1";
    double spread = 0.25;
    std::string lossModel = "ns3::LogDistancePropagationLossModel";
    double exponent = 3.0;
    std::string rateManager = "ns3::MinstrelHtWifiManager";
    bool sequential = true;
    bool pcap = false;
    bool ascii = false;
    std::string outDir = "results/edge-network-demo";
    uint32_t seed = 1;

    CommandLine cmd(__FILE__);
    cmd.Usage("Edge devices upload a payload to an edge server over TCP; prints per device "
              "the tier, distance, observed goodput and RTT. --RngRun=N draws another "
              "population and other distances.");
    cmd.AddValue("clients", "Number of edge devices (1..200)", clients);
    cmd.AddValue("distanceMin", "Smallest station distance from the AP, m (> 0)", distanceMin);
    cmd.AddValue("distanceMax", "Largest station distance from the AP, m (>= distanceMin)",
                 distanceMax);
    cmd.AddValue("payloadBytes", "Bytes each device uploads (>= 1)", payloadBytes);
    cmd.AddValue("topology", "wifi (802.11ax cell) or p2p (star from device profiles)", topology);
    cmd.AddValue("mix", "Tier mix tier=weight,... over the FedMoeDeviceCatalog", mix);
    cmd.AddValue("spread", "Lognormal sigma of per-device figures (>= 0)", spread);
    cmd.AddValue("lossModel", "Wi-Fi propagation loss model TypeId", lossModel);
    cmd.AddValue("exponent", "Path-loss exponent (LogDistance only)", exponent);
    cmd.AddValue("rateManager", "Wi-Fi rate control TypeId", rateManager);
    cmd.AddValue("sequential",
                 "Devices upload one after another (each link alone) instead of all at once",
                 sequential);
    cmd.AddValue("pcap", "Write pcap files to outDir", pcap);
    cmd.AddValue("ascii", "Write an ascii trace to outDir", ascii);
    cmd.AddValue("outDir", "Output directory (created if missing)", outDir);
    cmd.AddValue("seed", "ns-3 RNG seed (--RngRun selects the run)", seed);
    cmd.Parse(argc, argv);

    if (clients < 1 || clients > 200)
    {
        return Usage("--clients must be in 1..200, got " + std::to_string(clients));
    }
    if (topology != "wifi" && topology != "p2p")
    {
        return Usage("--topology must be wifi or p2p, got \"" + topology + "\"");
    }
    if (payloadBytes < 1)
    {
        return Usage("--payloadBytes must be >= 1");
    }
    if (seed < 1)
    {
        return Usage("--seed must be >= 1");
    }
    if (outDir.empty())
    {
        return Usage("--outDir must not be empty");
    }

    const auto wallStart = std::chrono::steady_clock::now();
    RngSeedManager::SetSeed(seed);
    // Real TCP stacks use ~1448-byte segments on Ethernet-sized MTUs, not ns-3's 536.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

    NodeContainer server;
    server.Create(1);
    NodeContainer devices;
    devices.Create(clients);
    FedMoeEdgeNetworkHelper edge;
    auto population = CreateObject<FedMoeDevicePopulation>();
    try
    {
        population->SetAttribute("Mix", StringValue(mix));
        population->SetAttribute("Spread", DoubleValue(spread));
        population->AssignStreams(10);
        population->Install(devices);
        if (topology == "wifi")
        {
            edge.SetDistanceRange(distanceMin, distanceMax, 20);
            edge.SetPropagationLoss(lossModel);
            if (lossModel == "ns3::LogDistancePropagationLossModel")
            {
                edge.SetPropagationLossAttribute("Exponent", DoubleValue(exponent));
            }
            edge.SetRemoteStationManager(rateManager);
            edge.InstallWifi(server.Get(0), devices);
        }
        else
        {
            edge.InstallPointToPoint(server.Get(0), devices);
        }
    }
    catch (const std::exception& e)
    {
        return Usage(e.what());
    }
    edge.AssignStreams(100);

    SystemPath::MakeDirectories(outDir);
    if (pcap)
    {
        edge.EnablePcap(outDir + "/edge");
    }
    if (ascii)
    {
        edge.EnableAscii(outDir + "/edge");
    }

    auto estimator = CreateObject<FedMoeChannelEstimator>();
    std::vector<Ipv4Address> serverAddresses;
    for (uint32_t i = 0; i < clients; ++i)
    {
        serverAddresses.push_back(edge.GetServerAddress(i));
        if (topology == "wifi")
        {
            estimator->ConnectWifiPhy(i, edge.GetClientPhy(i), edge.GetApAddress());
        }
    }
    auto probe = CreateObject<FedMoeChannelProbe>();
    probe->SetAttribute("PayloadBytes", UintegerValue(payloadBytes));
    probe->SetAttribute("Sequential", BooleanValue(sequential));
    // Stations need a moment to associate with the AP before sending.
    probe->Install(server.Get(0), devices, serverAddresses, estimator, Seconds(1));
    probe->TraceConnectWithoutContext("TransferDone", MakeBoundCallback(&StopWhenDone, probe));
    Simulator::Stop(Seconds(300));
    Simulator::Run();

    std::ofstream csv(outDir + "/edge-devices.csv");
    csv << "device,tier,gflops,distance_m,uplink_bps,goodput_bps,rtt_s,snr_db,duration_s\n";
    std::printf("%-3s %-15s %8s %9s %10s %13s %8s %7s %10s\n", "dev", "tier", "GFLOP/s",
                topology == "wifi" ? "dist[m]" : "up[Mb/s]", "payload[B]", "goodput[Mb/s]",
                "RTT[ms]", "SNR[dB]", "time[s]");
    uint32_t incomplete = 0;
    for (uint32_t i = 0; i < clients; ++i)
    {
        auto profile = devices.Get(i)->GetObject<FedMoeDeviceProfile>();
        const FedMoeChannelEstimate e = estimator->GetEstimate(i);
        const auto durations = probe->GetDurations(i);
        const double where = topology == "wifi" ? edge.GetDistance(i)
                                                : profile->GetUplinkRate().GetBitRate() / 1e6;
        if (durations.empty())
        {
            ++incomplete;
        }
        const double duration = durations.empty() ? 0.0 : durations.back().GetSeconds();
        std::printf("%-3u %-15s %8.1f %9.1f %10llu %13.2f %8.2f %7s %10.3f%s\n", i,
                    profile->GetTier().c_str(), profile->GetComputeGflops(), where,
                    static_cast<unsigned long long>(payloadBytes), e.goodputBps / 1e6,
                    e.rtt.GetSeconds() * 1e3,
                    e.snrSamples ? std::to_string(static_cast<int>(e.snrDb)).c_str() : "-",
                    duration, durations.empty() ? "  (incomplete)" : "");
        csv << i << ',' << profile->GetTier() << ',' << profile->GetComputeGflops() << ','
            << (topology == "wifi" ? edge.GetDistance(i) : 0.0) << ','
            << profile->GetUplinkRate().GetBitRate() << ',' << e.goodputBps << ','
            << e.rtt.GetSeconds() << ',' << (e.snrSamples ? std::to_string(e.snrDb) : "") << ','
            << duration << '\n';
    }
    const double wall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    std::printf("topology=%s clients=%u seed=%u run=%llu simulated=%.3f s wall=%.2f s out=%s%s\n",
                topology.c_str(), clients, seed,
                static_cast<unsigned long long>(RngSeedManager::GetRun()),
                Simulator::Now().GetSeconds(), wall, outDir.c_str(), pcap ? " (pcap written)" : "");
    Simulator::Destroy();
    if (incomplete > 0)
    {
        std::cerr << "edge-network-demo: " << incomplete
                  << " device(s) did not finish their upload within 300 s of simulated time\n";
        return 1;
    }
    return 0;
}
