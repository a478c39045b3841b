// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-flow-calibrate: fits the flow-level network's efficiencies to
 * packet-level runs of the same scenario, and writes them to a file that
 * flow-level runs read (fedmoe-edge --fidelity=flow --flowCalibration=FILE).
 *
 * For each number of clients and seed it builds the scenario's network
 * (FedMoeScenario::BuildNetwork: the device mix, distances, path loss,
 * mobility of fedmoe-edge's flags) twice, at packet level and at flow level,
 * and runs the same exchange on both: every client connects and says HELLO;
 * the server sends each one --bytes (as ASSIGN does); --gap seconds later
 * every client answers with --bytes (as UPDATE does, after its training);
 * twice, the second time on warm connections. What a round waits for is the
 * last transfer, so the fit is on the makespans of the second exchange: the
 * time until the last client has its message, and until the server has the
 * last answer. Each direction's efficiency is scaled by the median (over
 * sizes and seeds) flow / packet makespan ratio, and the flow level is run
 * again, --iterations times. Per-client transfer times are reported too: in a
 * shared cell they differ more (TCP is not as fair as max-min sharing). On
 * point-to-point links, which share nothing, the fit is on the per-client
 * transfer times (one efficiency for both directions).
 *
 *   fedmoe-flow-calibrate --network=wifi --sizes=5,10,20 --seeds=3 --output=wifi.json
 */

#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/fedmoe-flow-transport.h"
#include "ns3/fedmoe-payload.h"
#include "ns3/fedmoe-scenario.h"
#include "ns3/fedmoe-statistics.h"
#include "ns3/fedmoe-tcp-client-transport.h"
#include "ns3/fedmoe-tcp-server-transport.h"
#include "ns3/inet-socket-address.h"
#include "ns3/pointer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

using namespace ns3;

namespace
{

/// Per-client transfer times of one exchange, s (NaN: did not arrive).
struct Transfers
{
    std::vector<double> down; //!< server -> client
    std::vector<double> up;   //!< client -> server
};

/// Both exchanges of one run.
struct ExchangeResult
{
    Transfers cold; //!< first exchange (TCP's start-up included)
    Transfers warm; //!< second exchange
    double wallS{0};
};

/// The longest finite value (NaN if there is none: nothing arrived).
double
Makespan(const std::vector<double>& times)
{
    double longest = NAN;
    for (double t : times)
    {
        if (std::isfinite(t) && !(t <= longest))
        {
            longest = t;
        }
    }
    return longest;
}

/// The server and clients of one exchange run, on either transport.
class Exchange
{
  public:
    Exchange(FedMoeEdgeNetworkHelper& edge, uint32_t bytes, double gapS)
        : m_edge(edge),
          m_gap(Seconds(gapS)),
          m_payload(bytes, 0x5a),
          m_n(edge.GetClients().GetN())
    {
        m_result.cold = Transfers{std::vector<double>(m_n, NAN), std::vector<double>(m_n, NAN)};
        m_result.warm = m_result.cold;
        m_received.assign(m_n, 0);
        Ptr<FedMoeFlowNetwork> flow = edge.GetFlowNetwork();
        if (flow)
        {
            m_server = CreateObjectWithAttributes<FedMoeFlowServerTransport>("Network",
                                                                             PointerValue(flow));
        }
        else
        {
            m_server = CreateObject<FedMoeTcpServerTransport>();
        }
        m_server->SetReceiveCallbacks(
            MakeCallback(&Exchange::ServerMessage, this), FedMoeServerTransport::RejectedCallback(),
            FedMoeServerTransport::BytesCallback(), FedMoeServerTransport::ClosedCallback());
        m_server->Start(edge.GetServer());
        for (uint32_t i = 0; i < m_n; ++i)
        {
            Ptr<FedMoeClientTransport> c;
            if (flow)
            {
                c = CreateObjectWithAttributes<FedMoeFlowClientTransport>(
                    "Network", PointerValue(flow), "ClientIndex", UintegerValue(i));
            }
            else
            {
                c = CreateObject<FedMoeTcpClientTransport>();
            }
            c->SetCallbacks(MakeCallback(&Exchange::Connected, this, i),
                            MakeCallback(&Exchange::Retry, this, i),
                            MakeCallback(&Exchange::Ignore, this, i),
                            MakeCallback(&Exchange::Retry, this, i),
                            MakeCallback(&Exchange::ClientMessage, this, i),
                            FedMoeClientTransport::RejectedCallback());
            m_clients.push_back(c);
            // As FedMoeHelper staggers its clients (Wi-Fi associates first).
            Simulator::Schedule(Seconds(1.0) + MilliSeconds(20) * i, &Exchange::Connect, this, i);
        }
    }

    ExchangeResult Run()
    {
        const auto start = std::chrono::steady_clock::now();
        Simulator::Stop(Seconds(30) + 5 * m_gap);
        Simulator::Run();
        m_result.wallS
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (auto& c : m_clients)
        {
            c->Close(false);
        }
        m_server->Stop();
        return m_result;
    }

  private:
    void Connect(uint32_t i)
    {
        m_clients[i]->Connect(m_edge.GetClients().Get(i),
                              InetSocketAddress(m_edge.GetServerAddress(i), 7100), 64u << 20);
    }

    void Retry(uint32_t i)
    {
        Simulator::Schedule(Seconds(1), &Exchange::Connect, this, i);
    }

    void Ignore(uint32_t /* i */)
    {
    }

    void Connected(uint32_t i)
    {
        m_clients[i]->Send(FedMoeMessageFramer::Encode(FedMoeMessageType::HELLO, 0, i, {}));
    }

    void ServerMessage(uint32_t link, const FedMoeMessage& message, Time /* transfer */)
    {
        const uint32_t client = message.header.GetClientId();
        if (message.header.GetMessageType() == FedMoeMessageType::HELLO)
        {
            m_link[client] = link;
            if (m_link.size() == m_n)
            {
                Simulator::Schedule(MilliSeconds(500), &Exchange::SendRound, this, 1u);
            }
            return;
        }
        const uint32_t round = message.header.GetRound();
        Transfers& t = round == 1 ? m_result.cold : m_result.warm;
        t.up[client] = Simulator::Now().GetSeconds() - m_uploadAt;
    }

    void SendRound(uint32_t round)
    {
        m_sent = Simulator::Now().GetSeconds();
        // Every client answers gap seconds later; the next round after as long again.
        Simulator::Schedule(m_gap, &Exchange::UploadAll, this, round);
        if (round == 1)
        {
            Simulator::Schedule(2 * m_gap, &Exchange::SendRound, this, 2u);
        }
        else
        {
            Simulator::Stop(2 * m_gap);
        }
        for (const auto& [client, link] : m_link)
        {
            m_server->Send(
                link,
                FedMoeMessageFramer::Encode(FedMoeMessageType::ASSIGN, round, client, m_payload),
                FedMoeServerTransport::DeliveredCallback());
        }
    }

    void ClientMessage(uint32_t i, const FedMoeMessage& message)
    {
        const uint32_t round = message.header.GetRound();
        m_received[i] = round;
        (round == 1 ? m_result.cold : m_result.warm).down[i]
            = Simulator::Now().GetSeconds() - m_sent;
    }

    void UploadAll(uint32_t round)
    {
        m_uploadAt = Simulator::Now().GetSeconds();
        for (uint32_t i = 0; i < m_n; ++i)
        {
            if (m_received[i] == round)
            {
                m_clients[i]->Send(
                    FedMoeMessageFramer::Encode(FedMoeMessageType::UPDATE, round, i, m_payload));
            }
        }
    }

    FedMoeEdgeNetworkHelper& m_edge;
    Time m_gap;
    FedMoeBytes m_payload;
    uint32_t m_n;
    Ptr<FedMoeServerTransport> m_server;
    std::vector<Ptr<FedMoeClientTransport>> m_clients;
    std::map<uint32_t, uint32_t> m_link; //!< client -> link
    std::vector<uint32_t> m_received;    //!< per client, the last round it got
    double m_sent{0};
    double m_uploadAt{0};
    ExchangeResult m_result;
};

ExchangeResult
RunExchange(FedMoeScenario s, uint32_t clients, uint32_t seed, const std::string& fidelity,
            uint32_t bytes, double gapS)
{
    s.clients = clients;
    s.seed = seed;
    s.fidelity = fidelity;
    RngSeedManager::SetSeed(seed);
    NodeContainer server;
    server.Create(1);
    NodeContainer devices;
    devices.Create(clients);
    FedMoeEdgeNetworkHelper edge;
    s.BuildNetwork(server.Get(0), devices, edge);
    ExchangeResult r;
    {
        Exchange exchange(edge, bytes, gapS);
        r = exchange.Run();
    }
    Simulator::Destroy();
    return r;
}

/// Per-client flow / packet ratios of one direction.
std::vector<double>
Ratios(const std::vector<double>& flow, const std::vector<double>& packet)
{
    std::vector<double> r;
    for (size_t i = 0; i < flow.size(); ++i)
    {
        if (std::isfinite(flow[i]) && std::isfinite(packet[i]) && packet[i] > 0)
        {
            r.push_back(flow[i] / packet[i]);
        }
    }
    return r;
}

} // namespace

int
main(int argc, char** argv)
{
    const char* program = "fedmoe-flow-calibrate";
    FedMoeScenario::SetDefaults();
    FedMoeScenario scenario;
    std::string sizes = "5,10,20";
    uint32_t seeds = 3;
    uint32_t bytes = 500000;
    uint32_t iterations = 3;
    double gap = 20;
    bool perClient = false;
    std::string output;
    CommandLine cmd(__FILE__);
    scenario.AddCommandLineValues(cmd);
    cmd.AddValue("sizes", "Numbers of clients to calibrate on, comma-separated", sizes);
    cmd.AddValue("seeds", "Seeds per size (1..20)", seeds);
    cmd.AddValue("bytes", "Bytes of each message, each way (1000..100000000)", bytes);
    cmd.AddValue("iterations", "Flow-level refits (1..10)", iterations);
    cmd.AddValue("gap", "Seconds from the server's messages to the clients' answers (1..600)", gap);
    cmd.AddValue("output", "Where the calibration goes (JSON)", output);
    cmd.AddValue("perClient", "Print every client's transfer times (flow / packet) per fit",
                 perClient);
    cmd.Parse(argc, argv);
    std::vector<uint32_t> counts;
    {
        std::stringstream list(sizes);
        std::string item;
        while (std::getline(list, item, ','))
        {
            char* end = nullptr;
            const unsigned long n = std::strtoul(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || n < 1 || n > 1000)
            {
                std::cerr << program << ": --sizes=" << sizes << ": '" << item
                          << "' is not a number of clients (allowed: 1..1000)\n";
                return 2;
            }
            counts.push_back(static_cast<uint32_t>(n));
        }
    }
    std::string bad;
    if (counts.empty())
    {
        bad = "--sizes is empty";
    }
    else if (seeds < 1 || seeds > 20)
    {
        bad = "--seeds=" + std::to_string(seeds) + ": allowed 1..20";
    }
    else if (bytes < 1000 || bytes > 100000000)
    {
        bad = "--bytes=" + std::to_string(bytes) + ": allowed 1000..100000000";
    }
    else if (iterations < 1 || iterations > 10)
    {
        bad = "--iterations=" + std::to_string(iterations) + ": allowed 1..10";
    }
    else if (!(gap >= 1 && gap <= 600))
    {
        bad = "--gap=" + std::to_string(gap) + ": allowed 1..600 s";
    }
    else if (output.empty())
    {
        bad = "--output is required (the calibration file to write)";
    }
    else if (scenario.fidelity != "packet" || !scenario.flowCalibration.empty())
    {
        bad = "--fidelity and --flowCalibration are this program's to set";
    }
    else
    {
        bad = scenario.Validate();
    }
    if (!bad.empty())
    {
        std::cerr << program << ": " << bad << "\n";
        return 2;
    }
    std::map<std::string, std::pair<std::string, std::string>> names = {
        {"wifi",
         {"ns3::FedMoeFlowWifiAccess::DownlinkEfficiency",
          "ns3::FedMoeFlowWifiAccess::UplinkEfficiency"}},
        {"lte",
         {"ns3::FedMoeFlowLteAccess::DownlinkEfficiency",
          "ns3::FedMoeFlowLteAccess::UplinkEfficiency"}},
        {"p2p", {"ns3::FedMoeFlowP2pAccess::Efficiency", ""}},
    };
    const auto [downName, upName] = names.at(scenario.network);
    // The attributes' upper bounds: LTE's factors may exceed 1.
    const double most = scenario.network == "lte" ? 2.0 : 1.0;
    auto current = [](const std::string& path)
    {
        const auto cut = path.rfind("::");
        TypeId tid = TypeId::LookupByName(path.substr(0, cut));
        TypeId::AttributeInformation info;
        tid.LookupAttributeByName(path.substr(cut + 2), &info);
        return DynamicCast<const DoubleValue>(info.initialValue)->Get();
    };
    double down = current(downName);
    double up = upName.empty() ? down : current(upName);

    std::fprintf(stderr, "%s: %s, sizes %s, %u seeds, %u B each way\n", program,
                 scenario.network.c_str(), sizes.c_str(), seeds, bytes);
    std::vector<std::vector<ExchangeResult>> packet(counts.size());
    double packetWall = 0;
    for (size_t k = 0; k < counts.size(); ++k)
    {
        for (uint32_t seed = 1; seed <= seeds; ++seed)
        {
            packet[k].push_back(RunExchange(scenario, counts[k], seed, "packet", bytes, gap));
            packetWall += packet[k].back().wallS;
            std::fprintf(stderr, "  packet level: %u clients, seed %u: %.1f s wall\n", counts[k],
                         seed, packet[k].back().wallS);
        }
    }
    nlohmann::json fit = nlohmann::json::array();
    double flowWall = 0;
    for (uint32_t it = 0; it <= iterations; ++it)
    {
        Config::SetDefault(downName, DoubleValue(down));
        if (!upName.empty())
        {
            Config::SetDefault(upName, DoubleValue(up));
        }
        std::vector<double> downRatios; // makespans, per size and seed
        std::vector<double> upRatios;
        std::vector<double> clientDown; // per client
        std::vector<double> clientUp;
        fit = nlohmann::json::array();
        flowWall = 0;
        for (size_t k = 0; k < counts.size(); ++k)
        {
            std::vector<double> kDown;
            std::vector<double> kUp;
            std::vector<double> kClientDown;
            std::vector<double> kClientUp;
            for (uint32_t seed = 1; seed <= seeds; ++seed)
            {
                const ExchangeResult f = RunExchange(scenario, counts[k], seed, "flow", bytes, gap);
                flowWall += f.wallS;
                const ExchangeResult& p = packet[k][seed - 1];
                kDown.push_back(Makespan(f.warm.down) / Makespan(p.warm.down));
                if (perClient)
                {
                    for (size_t i = 0; i < f.warm.down.size(); ++i)
                    {
                        std::fprintf(stderr, "    client %zu: down %.4f / %.4f, up %.4f / %.4f\n",
                                     i, f.warm.down[i], p.warm.down[i], f.warm.up[i], p.warm.up[i]);
                    }
                }
                kUp.push_back(Makespan(f.warm.up) / Makespan(p.warm.up));
                for (double r : Ratios(f.warm.down, p.warm.down))
                {
                    kClientDown.push_back(r);
                }
                for (double r : Ratios(f.warm.up, p.warm.up))
                {
                    kClientUp.push_back(r);
                }
            }
            downRatios.insert(downRatios.end(), kDown.begin(), kDown.end());
            upRatios.insert(upRatios.end(), kUp.begin(), kUp.end());
            clientDown.insert(clientDown.end(), kClientDown.begin(), kClientDown.end());
            clientUp.insert(clientUp.end(), kClientUp.begin(), kClientUp.end());
            fit.push_back({{"clients", counts[k]},
                           {"makespan_ratio_down", FedMoeMedian(kDown)},
                           {"makespan_ratio_up", FedMoeMedian(kUp)},
                           {"client_ratio_down", FedMoeMedian(kClientDown)},
                           {"client_ratio_up", FedMoeMedian(kClientUp)}});
        }
        std::fprintf(stderr,
                     "  flow level, efficiencies %.3f down / %.3f up: flow / packet makespan, "
                     "median %.3f down, %.3f up (per client: %.3f, %.3f)\n",
                     down, up, FedMoeMedian(downRatios), FedMoeMedian(upRatios),
                     FedMoeMedian(clientDown), FedMoeMedian(clientUp));
        if (it == iterations)
        {
            break;
        }
        // Transfer time goes as 1 / efficiency: scale by the median ratio.
        // Point-to-point links share nothing: each link's transfers are
        // what its rounds wait for, so the fit is per client there.
        if (upName.empty())
        {
            std::vector<double> all = clientDown;
            all.insert(all.end(), clientUp.begin(), clientUp.end());
            down = std::clamp(down * FedMoeMedian(all), 1e-3, most);
            up = down;
        }
        else
        {
            down = std::clamp(down * FedMoeMedian(downRatios), 1e-3, most);
            up = std::clamp(up * FedMoeMedian(upRatios), 1e-3, most);
        }
    }
    nlohmann::json j;
    j["network"] = scenario.network;
    j["attributes"][downName] = down;
    if (!upName.empty())
    {
        j["attributes"][upName] = up;
    }
    j["bytes"] = bytes;
    j["seeds"] = seeds;
    j["fit"] = fit;
    j["packet_wall_s"] = packetWall;
    j["flow_wall_s"] = flowWall;
    std::ofstream out(output);
    out << j.dump(2) << "\n";
    if (!out)
    {
        std::cerr << program << ": cannot write " << output << "\n";
        return 1;
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
}
