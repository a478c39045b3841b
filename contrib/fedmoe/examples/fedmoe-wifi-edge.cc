/*
 * fedmoe-wifi-edge: federated MoE training at a Wi-Fi 6 edge. One edge server
 * at the access point, heterogeneous devices (DevicePopulation) at random
 * distances, 8 experts with top-2 routing, Fashion-MNIST with 2 classes per
 * client, the channel-aware alignment policy. Real training (LibTorch), real
 * bytes over simulated TCP; timing from the network and the devices' compute.
 * Writes rounds.csv, assignments.csv, clients.csv and summary.json to --outDir
 * and prints a summary.
 *
 *   ./fedmoe run                                   # this program, defaults
 *   ./fedmoe run fedmoe-wifi-edge -- --policy=random --rounds=30 --pcap=true
 */

#include "ns3/boolean.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/device-population.h"
#include "ns3/double.h"
#include "ns3/edge-device-profile.h"
#include "ns3/edge-network-helper.h"
#include "ns3/fedmoe-alignment-policy.h"
#include "ns3/fedmoe-helper.h"
#include "ns3/fedmoe-server-application.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/system-path.h"
#include "ns3/uinteger.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

const char* PROGRAM = "fedmoe-wifi-edge";

/// Prints a usage error and gives the exit status for it.
int
Usage(const std::string& message)
{
    std::cerr << PROGRAM << ": " << message << " (see --help)\n";
    return 2;
}

/// True when a directory exists.
bool
IsDirectory(const std::string& path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// "a, b or c".
std::string
OneOf(const std::vector<std::string>& names)
{
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i)
    {
        s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    }
    return s;
}

/// Text of a number, "-" when not finite.
std::string
Num(double v, int precision = 3)
{
    if (!std::isfinite(v))
    {
        return "-";
    }
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(precision);
    os << v;
    return os.str();
}

} // namespace

int
main(int argc, char** argv)
{
    std::string outDir = "results/fedmoe-wifi-edge";
    std::string policy = "channel-aware";
    uint32_t rounds = 15;
    uint32_t clients = 20;
    uint32_t experts = 8;
    uint32_t expertsPerClient = 2;
    uint32_t topK = 2;
    uint32_t seed = 1;
    bool pcap = false;
    bool flowmon = false;
    std::string dataset = "fashion-mnist";
    std::string dataDir;
    std::string network = "wifi";
    double distanceMin = 1.0;
    double distanceMax = 30.0;
    double lossExponent = 3.0;
    double errorRate = 0.0;
    double bandwidthScale = 1.0;
    double targetAccuracy = 0.7;
    uint32_t localSteps = 20;
    double deadline = 20.0;
    uint32_t hidden = 32;
    double learningRate = 0.05;
    double alignWeight = 0.1;
    std::string gateAggregation = "assigned";
    uint32_t classesPerClient = 2;
    uint32_t evalSamples = 2000;
    double participation = 1.0;
    std::string mix = "mcu-sensor=1,raspberry-pi-4=2,jetson-nano=1,midrange-phone=2,laptop=1";

    CommandLine cmd(__FILE__);
    cmd.Usage("Federated MoE training at a Wi-Fi 6 edge: one edge server at the AP, "
              "heterogeneous devices at random distances, real LibTorch training, real bytes "
              "over simulated TCP. Writes rounds.csv, assignments.csv, clients.csv and "
              "summary.json to --outDir.");
    cmd.AddValue("outDir", "Output directory (created if missing)", outDir);
    cmd.AddValue("policy", "Alignment policy: " + OneOf(FedMoeAlignmentPolicy::Names()), policy);
    cmd.AddValue("rounds", "Federated rounds (>= 1)", rounds);
    cmd.AddValue("clients", "Edge devices (1..1000)", clients);
    cmd.AddValue("experts", "Experts in the MoE (>= 1)", experts);
    cmd.AddValue("expertsPerClient", "Most experts a client trains per round (1..experts)",
                 expertsPerClient);
    cmd.AddValue("topK", "Experts mixed per sample (1..experts)", topK);
    cmd.AddValue("seed", "ns-3 RNG seed (>= 1; --RngRun selects the run)", seed);
    cmd.AddValue("pcap", "Write pcap files to outDir", pcap);
    cmd.AddValue("flowmon", "Write FlowMonitor statistics to outDir/flowmon.xml", flowmon);
    cmd.AddValue("dataset", "fashion-mnist, cifar10 or synthetic", dataset);
    cmd.AddValue("dataDir",
                 "Data set directory (default: Debian's /usr/share/datasets/fashion-mnist; "
                 "cifar10 needs it)",
                 dataDir);
    cmd.AddValue("network", "wifi (802.11ax cell) or p2p (star from the device profiles)", network);
    cmd.AddValue("distanceMax", "Largest station distance from the AP, m (>= 1)", distanceMax);
    cmd.AddValue("lossExponent", "Log-distance path-loss exponent (> 0)", lossExponent);
    cmd.AddValue("errorRate", "Packet error rate of each p2p link, [0, 1)", errorRate);
    cmd.AddValue("bandwidthScale", "Multiplies the devices' link rates (> 0)", bandwidthScale);
    cmd.AddValue("targetAccuracy", "Test accuracy whose first crossing is reported, [0, 1]",
                 targetAccuracy);
    cmd.AddValue("localSteps", "Local training steps per round (>= 1)", localSteps);
    cmd.AddValue("deadline", "Round deadline, simulated seconds (> 0)", deadline);
    cmd.AddValue("hidden", "Hidden width of an MLP expert (>= 1)", hidden);
    cmd.AddValue("learningRate", "Local SGD learning rate (> 0)", learningRate);
    cmd.AddValue("alignWeight", "Weight of the gate-alignment loss term (>= 0)", alignWeight);
    cmd.AddValue("gateAggregation", "Gate merging: all or assigned", gateAggregation);
    cmd.AddValue("classesPerClient", "Classes in each client's shard (>= 1)", classesPerClient);
    cmd.AddValue("evalSamples", "Test samples evaluated per round (0: all)", evalSamples);
    cmd.AddValue("participation", "Share of clients picked per round, (0, 1]", participation);
    cmd.AddValue("mix", "Device tier mix tier=weight,... over the DeviceCatalog", mix);
    cmd.Parse(argc, argv);

    // --- options: all checked before anything is built or written ----------
    const std::vector<std::string> policies = FedMoeAlignmentPolicy::Names();
    if (std::find(policies.begin(), policies.end(), policy) == policies.end())
    {
        return Usage("--policy=" + policy + " is unknown; allowed: " + OneOf(policies));
    }
    if (rounds < 1)
    {
        return Usage("--rounds=0: at least 1 round");
    }
    if (clients < 1 || clients > 1000)
    {
        return Usage("--clients=" + std::to_string(clients) + ": allowed 1..1000");
    }
    if (experts < 1)
    {
        return Usage("--experts=0: at least 1 expert");
    }
    if (expertsPerClient < 1 || expertsPerClient > experts)
    {
        return Usage("--expertsPerClient=" + std::to_string(expertsPerClient) + ": allowed 1.."
                     + std::to_string(experts) + " (--experts)");
    }
    if (topK < 1 || topK > experts)
    {
        return Usage("--topK=" + std::to_string(topK) + ": allowed 1.." + std::to_string(experts)
                     + " (--experts)");
    }
    if (seed < 1)
    {
        return Usage("--seed=0: the ns-3 seed must be >= 1");
    }
    if (dataset != "fashion-mnist" && dataset != "cifar10" && dataset != "synthetic")
    {
        return Usage("--dataset=" + dataset
                     + " is unknown; allowed: fashion-mnist, cifar10 or "
                       "synthetic");
    }
    if (dataset == "cifar10" && dataDir.empty())
    {
        return Usage("--dataset=cifar10 needs --dataDir (the directory of data_batch_1.bin ...)");
    }
    if (dataset != "synthetic")
    {
        const std::string dir
            = dataDir.empty() ? std::string("/usr/share/datasets/fashion-mnist") : dataDir;
        if (!IsDirectory(dir))
        {
            return Usage("--dataDir=" + dir + ": no such directory (the " + dataset
                         + " data set is missing; for Fashion-MNIST install the Debian package "
                           "dataset-fashion-mnist, or use --dataset=synthetic)");
        }
    }
    if (network != "wifi" && network != "p2p")
    {
        return Usage("--network=" + network + " is unknown; allowed: wifi or p2p");
    }
    if (!(distanceMax >= distanceMin) || !std::isfinite(distanceMax))
    {
        return Usage("--distanceMax=" + Num(distanceMax) + ": allowed >= " + Num(distanceMin)
                     + " m");
    }
    if (!(lossExponent > 0) || !std::isfinite(lossExponent))
    {
        return Usage("--lossExponent=" + Num(lossExponent) + ": allowed > 0");
    }
    if (!(errorRate >= 0 && errorRate < 1))
    {
        return Usage("--errorRate=" + Num(errorRate) + ": allowed [0, 1)");
    }
    if (!(bandwidthScale > 0) || !std::isfinite(bandwidthScale))
    {
        return Usage("--bandwidthScale=" + Num(bandwidthScale) + ": allowed > 0");
    }
    if (!(targetAccuracy >= 0 && targetAccuracy <= 1))
    {
        return Usage("--targetAccuracy=" + Num(targetAccuracy) + ": allowed [0, 1]");
    }
    if (localSteps < 1)
    {
        return Usage("--localSteps=0: at least 1 step");
    }
    if (!(deadline > 0) || !std::isfinite(deadline))
    {
        return Usage("--deadline=" + Num(deadline) + ": a round deadline must be > 0 s");
    }
    if (hidden < 1)
    {
        return Usage("--hidden=0: at least 1");
    }
    if (!(learningRate > 0) || !std::isfinite(learningRate))
    {
        return Usage("--learningRate=" + Num(learningRate, 6) + ": allowed > 0");
    }
    if (!(alignWeight >= 0) || !std::isfinite(alignWeight))
    {
        return Usage("--alignWeight=" + Num(alignWeight) + ": allowed >= 0");
    }
    if (gateAggregation != "all" && gateAggregation != "assigned")
    {
        return Usage("--gateAggregation=" + gateAggregation
                     + " is unknown; allowed: all or "
                       "assigned");
    }
    if (classesPerClient < 1)
    {
        return Usage("--classesPerClient=0: at least 1");
    }
    if (!(participation > 0 && participation <= 1))
    {
        return Usage("--participation=" + Num(participation) + ": allowed (0, 1]");
    }
    if (outDir.empty())
    {
        return Usage("--outDir must not be empty");
    }

    const auto wallStart = std::chrono::steady_clock::now();
    RngSeedManager::SetSeed(seed);
    // Real TCP stacks use ~1448-byte segments on Ethernet-sized MTUs, not ns-3's 536.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 20));

    // --- network and run: still nothing written -----------------------------
    NodeContainer server;
    server.Create(1);
    NodeContainer devices;
    devices.Create(clients);
    EdgeNetworkHelper edge;
    FedMoeHelper fed;
    try
    {
        auto population = CreateObject<DevicePopulation>();
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
        if (network == "wifi")
        {
            edge.SetDistanceRange(distanceMin, distanceMax, 20);
            edge.SetPropagationLossAttribute("Exponent", DoubleValue(lossExponent));
            edge.InstallWifi(server.Get(0), devices);
        }
        else
        {
            edge.InstallPointToPoint(server.Get(0), devices);
        }
        edge.AssignStreams(100);

        fedmoe::learning::ModelOptions model;
        model.dataset = dataset;
        model.dataDir = dataDir;
        model.experts = experts;
        model.topK = topK;
        model.hidden = hidden;
        model.evalSamples = evalSamples;
        model.seed = seed;
        fedmoe::learning::TrainOptions train;
        train.learningRate = learningRate;
        train.alignLossWeight = alignWeight;
        fedmoe::learning::AggregationOptions aggregation;
        aggregation.gate = gateAggregation;
        fedmoe::learning::PartitionOptions partition;
        partition.scheme = "classes";
        partition.classesPerClient = classesPerClient;
        partition.seed = seed;
        fed.SetModelOptions(model);
        fed.SetTrainOptions(train);
        fed.SetAggregationOptions(aggregation);
        fed.SetPartitionOptions(partition);
        fed.SetPolicy(policy);
        fed.SetServerAttribute("Rounds", UintegerValue(rounds));
        fed.SetServerAttribute("RoundDeadline", TimeValue(Seconds(deadline)));
        fed.SetServerAttribute("LocalSteps", UintegerValue(localSteps));
        fed.SetServerAttribute("MaxExpertsPerClient", UintegerValue(expertsPerClient));
        fed.SetServerAttribute("TargetAccuracy", DoubleValue(targetAccuracy));
        fed.SetServerAttribute("Participation", DoubleValue(participation));
        fed.SetServerAttribute("OutputDirectory", StringValue(outDir));
        // Background load on the devices: 0-30 % of each job's time.
        fed.SetComputeModelAttribute("Occupancy",
                                     StringValue("ns3::UniformRandomVariable[Min=0|Max=0.3]"));
        fed.Install(edge);
        fed.AssignStreams(1000);
    }
    catch (const std::exception& e)
    {
        return Usage(e.what());
    }

    // --- from here on, files are written ------------------------------------
    SystemPath::MakeDirectories(outDir);
    if (pcap)
    {
        edge.EnablePcap(outDir + "/edge");
    }
    FlowMonitorHelper flowHelper;
    if (flowmon)
    {
        flowHelper.InstallAll();
    }
    std::cerr << PROGRAM << ": " << clients << " clients on " << network << ", " << experts
              << " experts (top-" << topK << ", " << expertsPerClient << " per client), " << dataset
              << ", policy " << policy << ", " << rounds << " rounds\n";
    // A safety net only: the server stops the simulation when it is done.
    Simulator::Stop(Seconds(10 + rounds * (deadline + 5) + 60));
    Simulator::Run();
    if (flowmon)
    {
        flowHelper.SerializeToXmlFile(outDir + "/flowmon.xml", true, true);
    }

    Ptr<FedMoeServerApplication> srv = fed.GetServer();
    const double wall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    std::printf("\n%s summary\n", PROGRAM);
    std::printf("  policy            %s\n", policy.c_str());
    std::printf("  network           %s, %u clients, seed %u run %llu\n", network.c_str(), clients,
                seed, static_cast<unsigned long long>(RngSeedManager::GetRun()));
    std::printf("  rounds            %u of %u\n", srv->GetRoundsCompleted(), rounds);
    std::printf("  final accuracy    %s\n", Num(srv->GetFinalAccuracy(), 4).c_str());
    if (srv->GetRoundsToTarget() > 0)
    {
        std::printf("  target %.2f       round %u, %.2f s simulated\n", targetAccuracy,
                    srv->GetRoundsToTarget(), srv->GetTimeToTarget().GetSeconds());
    }
    else
    {
        std::printf("  target %.2f       not reached\n", targetAccuracy);
    }
    std::printf("  simulated time    %.2f s\n", Simulator::Now().GetSeconds());
    std::printf("  bytes down / up   %.2f MB / %.2f MB\n", srv->GetBytesDown() / 1e6,
                srv->GetBytesUp() / 1e6);
    std::printf("  dropped / rejected %llu / %llu\n",
                static_cast<unsigned long long>(srv->GetDroppedCount()),
                static_cast<unsigned long long>(srv->GetRejectedCount()));
    std::printf("  wall time         %.1f s (training %.1f s)\n", wall,
                fed.GetExecutor()->GetTrainingWallSeconds());
    std::printf("  output            %s\n", outDir.c_str());
    const std::string error = srv->GetError();
    const uint32_t completed = srv->GetRoundsCompleted();
    Simulator::Destroy();
    if (!error.empty())
    {
        std::cerr << PROGRAM << ": the run failed: " << error << "\n";
        return 1;
    }
    if (completed < rounds)
    {
        std::cerr << PROGRAM << ": only " << completed << " of " << rounds << " rounds completed\n";
        return 1;
    }
    return 0;
}
