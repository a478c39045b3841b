// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-edge: federated MoE training at the wireless edge. One edge server
 * (at the Wi-Fi access point by default; behind an LTE EPC with
 * --network=lte; a point-to-point star with --network=p2p), heterogeneous
 * devices (FedMoeDevicePopulation) at random distances, 8 experts with top-2
 * routing, Fashion-MNIST with 2 classes per client, the channel-aware
 * alignment policy. Real training (LibTorch), real
 * bytes over simulated TCP; timing from the network and the devices' compute.
 * Writes rounds.csv, assignments.csv, clients.csv and summary.json to --outDir
 * and prints a summary.
 *
 *   ./fedmoe run                                   # this program, defaults
 *   ./fedmoe run fedmoe-edge -- --policy=random --rounds=30 --pcap=true
 *   ./fedmoe run fedmoe-edge -- --precision=fp16 --ns3::FedMoeAggregation::Rule=median
 *
 * Short flags such as --rounds are aliases of attributes
 * (--ns3::FedMoeRoundOptions::Rounds); FedMoeScenario::Aliases() lists them.
 */

#include "ns3/command-line.h"
#include "ns3/fedmoe-scenario.h"
#include "ns3/rng-seed-manager.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <stdexcept>

using namespace ns3;

int
main(int argc, char** argv)
{
    const char* program = "fedmoe-edge";
    // This scenario's defaults (15 rounds, a 20 s deadline, Fashion-MNIST with
    // 2 classes per client, ...), set as the attributes' defaults before
    // parsing, so --PrintHelp, --PrintAttributes and the run agree.
    FedMoeScenario::KeepBuffersInProcess();
    FedMoeScenario::SetDefaults();
    FedMoeScenario scenario; // the network: 20 devices on Wi-Fi 6 unless --network says

    CommandLine cmd(__FILE__);
    cmd.Usage("Federated MoE training at the wireless edge (--network=wifi, lte or p2p): one "
              "edge server, heterogeneous devices at random distances, real LibTorch training, "
              "real bytes over simulated TCP. Writes rounds.csv, assignments.csv, clients.csv "
              "and summary.json to --outDir.");
    scenario.AddCommandLineValues(cmd);
    cmd.Parse(argc, argv);

    // Every option is checked before anything is built or written.
    const std::string invalid = scenario.Validate();
    if (!invalid.empty())
    {
        std::cerr << program << ": " << invalid << " (see --help)\n";
        return 2;
    }
    FedMoeScenarioResult r;
    try
    {
        r = scenario.Run();
    }
    catch (const std::exception& e)
    {
        std::cerr << program << ": " << e.what() << "\n";
        return 2;
    }

    std::printf("\n%s summary\n", program);
    std::printf("  policy            %s\n", scenario.policy.c_str());
    std::printf("  network           %s, %u clients, seed %u run %llu\n", scenario.network.c_str(),
                scenario.clients, scenario.seed,
                static_cast<unsigned long long>(RngSeedManager::GetRun()));
    const double target = FedMoeScenario::GetNumber("targetAccuracy");
    std::printf("  rounds            %u of %.0f\n", r.roundsCompleted,
                FedMoeScenario::GetNumber("rounds"));
    std::printf("  final accuracy    %.4f\n", r.finalAccuracy);
    if (r.roundsToTarget > 0)
    {
        std::printf("  target %.2f       round %u, %.2f s simulated\n", target, r.roundsToTarget,
                    r.timeToTargetS);
    }
    else
    {
        std::printf("  target %.2f       not reached\n", target);
    }
    std::printf("  simulated time    %.2f s\n", r.simTimeS);
    std::printf("  bytes down / up   %.2f MB / %.2f MB\n", r.bytesDown / 1e6, r.bytesUp / 1e6);
    std::printf("  dropped / rejected %llu / %llu\n", static_cast<unsigned long long>(r.dropped),
                static_cast<unsigned long long>(r.rejected));
    std::printf("  wall time         %.1f s (training %.1f s)\n", r.wallS, r.trainingWallS);
    std::printf("  output            %s\n", FedMoeScenario::Get("outDir").c_str());
    if (!r.error.empty())
    {
        std::cerr << program << ": the run failed: " << r.error << "\n";
        return 1;
    }
    if (r.signal != 0)
    {
        std::cerr << program << ": interrupted by " << (r.signal == SIGINT ? "SIGINT" : "SIGTERM")
                  << " after " << r.roundsCompleted << " rounds (summary.json says so)\n";
        return 128 + r.signal;
    }
    return 0;
}
