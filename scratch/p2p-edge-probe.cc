// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal scenario: a point-to-point star of catalog devices, one 1 MB
 * upload each, and what the server's FedMoeChannelEstimator learned of each link.
 * A starting point for your own scenarios (./fedmoe run p2p-edge-probe).
 */

#include "ns3/core-module.h"
#include "ns3/fedmoe-module.h"
#include "ns3/network-module.h"

#include <cstdio>

using namespace ns3;

int
main(int argc, char* argv[])
{
    uint32_t clients = 4;
    std::string mix = "raspberry-pi-4=1,midrange-phone=1,laptop=1";
    CommandLine cmd(__FILE__);
    cmd.AddValue("clients", "Number of edge devices", clients);
    cmd.AddValue("mix", "Device tiers and weights, e.g. laptop=1,mcu-sensor=2", mix);
    cmd.Parse(argc, argv);

    NodeContainer server;
    server.Create(1);
    NodeContainer devices;
    devices.Create(clients);

    auto population = CreateObject<FedMoeDevicePopulation>();
    FedMoeEdgeNetworkHelper edge;
    try
    {
        population->SetAttribute("Mix", StringValue(mix));
        population->Install(devices);
        edge.InstallPointToPoint(server.Get(0), devices);
    }
    catch (const std::exception& e)
    {
        std::fprintf(stderr, "p2p-edge-probe: %s\n", e.what());
        return 2;
    }

    auto estimator = CreateObject<FedMoeChannelEstimator>();
    std::vector<Ipv4Address> serverAddresses;
    for (uint32_t i = 0; i < clients; ++i)
    {
        serverAddresses.push_back(edge.GetServerAddress(i));
    }
    auto probe = CreateObject<FedMoeChannelProbe>();
    probe->SetAttribute("PayloadBytes", UintegerValue(1000000));
    probe->Install(server.Get(0), devices, serverAddresses, estimator, Seconds(0.1));
    Simulator::Stop(Seconds(120));
    Simulator::Run();

    std::printf("%-3s %-15s %12s %14s %8s\n", "dev", "tier", "uplink[Mb/s]", "goodput[Mb/s]",
                "RTT[ms]");
    for (uint32_t i = 0; i < clients; ++i)
    {
        auto profile = devices.Get(i)->GetObject<FedMoeDeviceProfile>();
        const FedMoeChannelEstimate e = estimator->GetEstimate(i);
        std::printf("%-3u %-15s %12.2f %14.2f %8.2f\n", i, profile->GetTier().c_str(),
                    profile->GetUplinkRate().GetBitRate() / 1e6, e.goodputBps / 1e6,
                    e.rtt.GetSeconds() * 1e3);
    }
    Simulator::Destroy();
    return probe->AllComplete() ? 0 : 1;
}
