// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-bench-round: wall time per round of the default scenario
 * (fedmoe-edge: Fashion-MNIST, 8 experts of width 32, top-2, 2 per client)
 * at 20, 200 and 1,000 clients, split into training (LibTorch, the executor),
 * serialisation (codec and framing in server and clients), aggregation,
 * evaluation, and the rest: the packet-level network simulation and the
 * applications' event handling. Data loading and building the network are
 * reported apart (once per run, not per round).
 *
 * Goal (issue 5): at 20 clients at most 15 % of a round's wall time outside
 * training; at 200 and 1,000 clients the split says where the time goes.
 *
 * Every configuration runs at packet level and at flow level (issue 14),
 * side by side: the last column is the packet level's wall time per round over
 * the flow level's.
 *
 * Usage: fedmoe-bench-round [--configs=wifi:20,wifi:20:mobile,lte:20,lte:100,wifi:200,
 *                            p2p:200,p2p:1000,wifi:1000:flow] [--rounds=2]
 *                           [--fidelities=packet,flow]
 *   A config is NETWORK:CLIENTS[:mobile][:packet|:flow] with NETWORK wifi, lte
 *   or p2p; LTE UEs are placed up to 300 m from the eNB; ":mobile" makes the
 *   devices walk (random walk at 1.5 m/s; Wi-Fi and LTE); ":flow" or
 *   ":packet" runs that configuration at that fidelity only. Wi-Fi at 1,000
 *   clients runs at flow level only by default: one 802.11ax cell simulates
 *   about 2 MB of payload per wall second at packet level, so a round of 1,000
 *   clients (~500 MB) takes minutes.
 */

#include "ns3/command-line.h"
#include "ns3/fedmoe-scenario.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Share of \p part in \p whole, in percent.
double
Percent(double part, double whole)
{
    return whole > 0 ? 100.0 * part / whole : 0.0;
}

} // namespace

int
main(int argc, char** argv)
{
    std::string configs
        = "wifi:20,wifi:20:mobile,lte:20,lte:100,wifi:200,p2p:200,p2p:1000,wifi:1000:flow";
    std::string fidelities = "packet,flow";
    uint32_t rounds = 2;
    std::string outDir = "results/bench-round";
    FedMoeScenario::KeepBuffersInProcess(); // as fedmoe-edge
    FedMoeScenario::SetDefaults();          // fedmoe-edge's
    CommandLine cmd(__FILE__);
    cmd.AddValue("configs", "Comma-separated NETWORK:CLIENTS[:mobile] (NETWORK: wifi, lte or p2p)",
                 configs);
    cmd.AddValue("rounds", "Rounds per configuration (>= 1)", rounds);
    cmd.AddValue("fidelities", "Fidelities each configuration runs at: packet, flow or both",
                 fidelities);
    cmd.AddValue("outDir", "Where the runs' records go", outDir);
    cmd.Parse(argc, argv);
    if (rounds < 1)
    {
        std::cerr << "fedmoe-bench-round: --rounds=0: at least 1\n";
        return 2;
    }

    std::vector<FedMoeScenario> scenarios;
    std::stringstream list(configs);
    std::string item;
    while (std::getline(list, item, ','))
    {
        const auto colon = item.find(':');
        FedMoeScenario s; // the defaults of fedmoe-edge
        s.network = item.substr(0, colon);
        s.clients
            = colon == std::string::npos ? 0 : std::strtoul(item.c_str() + colon + 1, nullptr, 10);
        const auto second = colon == std::string::npos ? colon : item.find(':', colon + 1);
        std::stringstream options(second == std::string::npos ? "" : item.substr(second + 1));
        std::string option;
        std::string only;
        while (std::getline(options, option, ':'))
        {
            if (option == "mobile")
            {
                s.mobility = "random-walk";
                s.speed = 1.5;
            }
            else if (option == "packet" || option == "flow")
            {
                only = option;
            }
            else
            {
                std::cerr << "fedmoe-bench-round: bad config '" << item << "': '" << option
                          << "' is not an option (allowed: mobile, packet, flow)\n";
                return 2;
            }
        }
        if (s.network == "lte")
        {
            s.distanceMax = 300;
        }
        FedMoeScenario::Set("rounds", std::to_string(rounds));
        FedMoeScenario::Set("progress", "false");
        const std::string invalid = s.Validate();
        if (colon == std::string::npos || !invalid.empty())
        {
            std::cerr << "fedmoe-bench-round: bad config '" << item << "'"
                      << (invalid.empty() ? "" : ": " + invalid)
                      << " (expected NETWORK:CLIENTS, e.g. wifi:20)\n";
            return 2;
        }
        std::stringstream levels(fidelities);
        std::string level;
        while (std::getline(levels, level, ','))
        {
            if (level != "packet" && level != "flow")
            {
                std::cerr << "fedmoe-bench-round: --fidelities=" << fidelities << ": '" << level
                          << "' (allowed: packet, flow)\n";
                return 2;
            }
            if (only.empty() || only == level)
            {
                s.fidelity = level;
                scenarios.push_back(s);
            }
        }
    }

    std::printf("fedmoe-bench-round: the default scenario (Fashion-MNIST, E=8 experts of "
                "width 32, top-2, 2 per client, %u rounds)\n",
                rounds);
    std::printf("%-11s %7s %6s %6s %9s %8s | %8s %8s %8s %8s %8s | %9s %9s %8s %8s\n", "net",
                "clients", "level", "active", "s/round", "setup s", "train%", "serial%", "aggr%",
                "eval%", "network%", "MB/round", "net MB/s", "dropped", "speedup");
    std::map<std::string, double> packetPerRound; // by config, for the speedup
    for (const auto& s : scenarios)
    {
        const std::string name = s.network + (s.mobility == "static" ? "" : "-mobile");
        const std::string key = name + "-" + std::to_string(s.clients);
        FedMoeScenario::Set("outDir", outDir + "/" + key + "-" + s.fidelity);
        FedMoeScenarioResult r = s.Run();
        const double run = r.wallS - r.setupWallS; // the rounds themselves
        const double megabytes = double(r.bytesDown + r.bytesUp) / 1e6;
        const double rounds = std::max<uint32_t>(1, r.roundsCompleted);
        double participants = 0;
        for (const auto& record : r.rounds)
        {
            participants += record.participants;
        }
        const double perRound = run / rounds;
        std::string speedup = "";
        if (s.fidelity == "packet")
        {
            packetPerRound[key] = perRound;
        }
        else if (packetPerRound.count(key) && perRound > 0)
        {
            speedup = std::to_string(static_cast<int>(std::lround(packetPerRound[key] / perRound)))
                      + "x";
        }
        std::printf("%-11s %7u %6s %6.0f %9.2f %8.2f | %8.1f %8.1f %8.1f %8.1f %8.1f | %9.1f %9.1f "
                    "%8llu %8s%s\n",
                    name.c_str(), s.clients, s.fidelity.c_str(), participants / rounds, perRound,
                    r.setupWallS, Percent(r.trainingWallS, run), Percent(r.serialisationWallS, run),
                    Percent(r.aggregationWallS, run), Percent(r.evaluationWallS, run),
                    Percent(r.NetworkWallS(), run), megabytes / rounds,
                    r.NetworkWallS() > 0 ? megabytes / r.NetworkWallS() : 0.0,
                    static_cast<unsigned long long>(r.dropped), speedup.c_str(),
                    r.error.empty() ? "" : ("  (" + r.error + ")").c_str());
        std::fflush(stdout);
    }
    std::printf(
        "(active: participants per round; dropped: updates that missed the deadline, "
        "in all rounds;\n percentages of the rounds' wall time, setup excluded; network = the "
        "network simulation (packet or flow level) and the applications' event handling; net "
        "MB/s = payload bytes simulated per wall second of it; speedup = packet level's s/round "
        "over flow level's)\n");
    return 0;
}
