/*
 * FedMoeScenario: option flags, their checks, and the build and run of the
 * standard scenario.
 */

#include "fedmoe-scenario.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/device-population.h"
#include "ns3/double.h"
#include "ns3/edge-device-profile.h"
#include "ns3/edge-network-helper.h"
#include "ns3/fedmoe-alignment-policy.h"
#include "ns3/fedmoe-helper.h"
#include "ns3/fedmoe-server-application.h"
#include "ns3/fedmoe-training-executor.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/log.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/system-path.h"
#include "ns3/uinteger.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeScenario");

namespace
{

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

/// Text of a number.
std::string
Num(double v, int precision = 3)
{
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(precision);
    os << v;
    return os.str();
}

} // namespace

void
FedMoeScenario::AddCommandLineValues(CommandLine& cmd)
{
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
    cmd.AddValue("progress", "Progress lines on stderr", progress);
}

std::string
FedMoeScenario::Validate() const
{
    const std::vector<std::string> policies = FedMoeAlignmentPolicy::Names();
    if (std::find(policies.begin(), policies.end(), policy) == policies.end())
    {
        return ("--policy=" + policy + " is unknown; allowed: " + OneOf(policies));
    }
    if (rounds < 1)
    {
        return ("--rounds=0: at least 1 round");
    }
    if (clients < 1 || clients > 1000)
    {
        return ("--clients=" + std::to_string(clients) + ": allowed 1..1000");
    }
    if (experts < 1)
    {
        return ("--experts=0: at least 1 expert");
    }
    if (expertsPerClient < 1 || expertsPerClient > experts)
    {
        return ("--expertsPerClient=" + std::to_string(expertsPerClient) + ": allowed 1.."
                + std::to_string(experts) + " (--experts)");
    }
    if (topK < 1 || topK > experts)
    {
        return ("--topK=" + std::to_string(topK) + ": allowed 1.." + std::to_string(experts)
                + " (--experts)");
    }
    if (seed < 1)
    {
        return ("--seed=0: the ns-3 seed must be >= 1");
    }
    if (dataset != "fashion-mnist" && dataset != "cifar10" && dataset != "synthetic")
    {
        return ("--dataset=" + dataset
                + " is unknown; allowed: fashion-mnist, cifar10 or "
                  "synthetic");
    }
    if (dataset == "cifar10" && dataDir.empty())
    {
        return ("--dataset=cifar10 needs --dataDir (the directory of data_batch_1.bin ...)");
    }
    if (dataset != "synthetic")
    {
        const std::string dir
            = dataDir.empty() ? std::string("/usr/share/datasets/fashion-mnist") : dataDir;
        if (!IsDirectory(dir))
        {
            return ("--dataDir=" + dir + ": no such directory (the " + dataset
                    + " data set is missing; for Fashion-MNIST install the Debian package "
                      "dataset-fashion-mnist, or use --dataset=synthetic)");
        }
    }
    if (network != "wifi" && network != "p2p")
    {
        return ("--network=" + network + " is unknown; allowed: wifi or p2p");
    }
    if (!(distanceMax >= distanceMin) || !std::isfinite(distanceMax))
    {
        return ("--distanceMax=" + Num(distanceMax) + ": allowed >= " + Num(distanceMin) + " m");
    }
    if (!(lossExponent > 0) || !std::isfinite(lossExponent))
    {
        return ("--lossExponent=" + Num(lossExponent) + ": allowed > 0");
    }
    if (!(errorRate >= 0 && errorRate < 1))
    {
        return ("--errorRate=" + Num(errorRate) + ": allowed [0, 1)");
    }
    if (!(bandwidthScale > 0) || !std::isfinite(bandwidthScale))
    {
        return ("--bandwidthScale=" + Num(bandwidthScale) + ": allowed > 0");
    }
    if (!(targetAccuracy >= 0 && targetAccuracy <= 1))
    {
        return ("--targetAccuracy=" + Num(targetAccuracy) + ": allowed [0, 1]");
    }
    if (localSteps < 1)
    {
        return ("--localSteps=0: at least 1 step");
    }
    if (!(deadline > 0) || !std::isfinite(deadline))
    {
        return ("--deadline=" + Num(deadline) + ": a round deadline must be > 0 s");
    }
    if (hidden < 1)
    {
        return ("--hidden=0: at least 1");
    }
    if (!(learningRate > 0) || !std::isfinite(learningRate))
    {
        return ("--learningRate=" + Num(learningRate, 6) + ": allowed > 0");
    }
    if (!(alignWeight >= 0) || !std::isfinite(alignWeight))
    {
        return ("--alignWeight=" + Num(alignWeight) + ": allowed >= 0");
    }
    if (gateAggregation != "all" && gateAggregation != "assigned")
    {
        return ("--gateAggregation=" + gateAggregation
                + " is unknown; allowed: all or "
                  "assigned");
    }
    if (classesPerClient < 1)
    {
        return ("--classesPerClient=0: at least 1");
    }
    if (!(participation > 0 && participation <= 1))
    {
        return ("--participation=" + Num(participation) + ": allowed (0, 1]");
    }
    if (outDir.empty())
    {
        return ("--outDir must not be empty");
    }
    return "";
}

double
FedMoeScenarioResult::NetworkWallS() const
{
    return wallS - setupWallS - trainingWallS - serialisationWallS - aggregationWallS
           - evaluationWallS;
}

FedMoeScenarioResult
FedMoeScenario::Run() const
{
    const std::string invalid = Validate();
    if (!invalid.empty())
    {
        throw std::invalid_argument(invalid);
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
        fed.SetServerAttribute("Progress", BooleanValue(progress));
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
    FlowMonitorHelper flowHelper;
    if (flowmon)
    {
        flowHelper.InstallAll();
    }
    NS_LOG_INFO(clients << " clients on " << network << ", " << experts << " experts (top-" << topK
                        << ", " << expertsPerClient << " per client), " << dataset << ", policy "
                        << policy << ", " << rounds << " rounds");
    // A safety net only: the server stops the simulation when it is done.
    Simulator::Stop(Seconds(10 + rounds * (deadline + 5) + 60));
    const double setupWall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    Simulator::Run();
    if (flowmon)
    {
        flowHelper.SerializeToXmlFile(outDir + "/flowmon.xml", true, true);
    }

    FedMoeScenarioResult result;
    Ptr<FedMoeServerApplication> srv = fed.GetServer();
    const FedMoeRoundCoordinator* coordinator = srv->GetCoordinator();
    result.error = srv->GetError();
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
    if (result.error.empty() && result.roundsCompleted < rounds)
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
