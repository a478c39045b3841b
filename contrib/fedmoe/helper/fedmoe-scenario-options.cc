// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeScenario's options: the flag -> attribute aliases, the scenario's
 * own network flags, and their checks (nothing is built or written here).
 */

#include "../model/compat/fedmoe-ns3-compat.h"
#include "fedmoe-flow-calibration.h"
#include "fedmoe-scenario.h"

#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/fedmoe-alignment-policy.h"
#include "ns3/fedmoe-device-catalog.h"
#include "ns3/fedmoe-device-population.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>

namespace ns3
{

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

} // namespace

std::string
FedMoeScenario::MobilityType(const std::string& name)
{
    if (name == "static")
    {
        return "ns3::ConstantPositionMobilityModel";
    }
    if (name == "random-walk")
    {
        return "ns3::RandomWalk2dMobilityModel";
    }
    if (name == "gauss-markov")
    {
        return "ns3::GaussMarkovMobilityModel";
    }
    return "";
}

const std::vector<FedMoeFlagAlias>&
FedMoeScenario::Aliases()
{
    static const std::string server = "ns3::FedMoeServerApplication::";
    static const std::string round = "ns3::FedMoeRoundOptions::";
    static const std::string model = "ns3::FedMoeModel::";
    static const std::string training = "ns3::FedMoeTraining::";
    static const std::string partition = "ns3::FedMoePartition::";
    static const std::string aggregation = "ns3::FedMoeAggregation::";
    // {flag, attribute, what is allowed, the standard scenario's default}
    static const std::vector<FedMoeFlagAlias> aliases{
        {"outDir", server + "OutputDirectory", "a directory", "results/fedmoe-edge"},
        {"rounds", round + "Rounds", "at least 1 round", "15"},
        {"expertsPerClient", round + "MaxExpertsPerClient", "1..experts (--experts)", ""},
        {"localSteps", round + "LocalSteps", "at least 1 step", ""},
        {"deadline", server + "RoundDeadline", "a round deadline > 0 s", "20s"},
        {"targetAccuracy", round + "TargetAccuracy", "allowed [0, 1]", "0.7"},
        {"participation", round + "Participation", "allowed (0, 1]", ""},
        {"minWork", round + "MinWorkFraction", "allowed (0, 1] (1: whole work or none)", ""},
        {"observationHalfLife", round + "ObservationHalfLife", "allowed > 0 s", ""},
        {"planFraction", round + "PlanningFraction", "allowed (0, 1]", ""},
        {"expertWireBytes", round + "ExpertWireBytes",
         "0 (the real size) or 1000..1e11 bytes (--fidelity=flow)", ""},
        {"timingOnly", round + "TimingOnly",
         "true or false (true: nothing trained, aggregated or evaluated)", ""},
        {"gateWireBytes", round + "GateWireBytes",
         "0 (the real size) or 1000..1e11 bytes (--fidelity=flow)", ""},
        {"progress", server + "Progress", "true or false", ""},
        {"oracle", server + "Oracle", "true or false (true: --network=p2p only)", ""},
        {"availability", "ns3::FedMoeClientApplication::UseAvailability", "true or false", ""},
        {"dataset", model + "DataSet", "fashion-mnist, cifar10 or synthetic", "fashion-mnist"},
        {"dataDir", model + "DataDirectory", "a directory", ""},
        {"experts", model + "Experts", "at least 1 expert", ""},
        {"topK", model + "TopK", "1..experts (--experts)", ""},
        {"hidden", model + "Hidden", "at least 1", "32"},
        {"expertKind", model + "ExpertKind", "mlp or cnn", ""},
        {"precision", model + "Precision", "fp32, fp16 or int8", ""},
        {"evalSamples", model + "EvalSamples", "0 (all) or more", "2000"},
        {"evalTopK", model + "EvalTopK", "0 (topK) .. experts", ""},
        {"optimizer", training + "Optimizer", "sgd or adam", ""},
        {"learningRate", training + "LearningRate", "allowed > 0", ""},
        {"momentum", training + "Momentum", "allowed [0, 1)", ""},
        {"batchSize", training + "BatchSize", "at least 1", ""},
        {"alignWeight", training + "AlignLossWeight", "allowed >= 0", "0.1"},
        {"auxWeight", training + "AuxLossWeight", "allowed >= 0", ""},
        {"restrictedSoftmax", training + "RestrictedSoftmax", "allowed (0, 1]", ""},
        {"partition", partition + "Scheme", "iid, classes, dirichlet or quantity", "classes"},
        {"classesPerClient", partition + "ClassesPerClient", "at least 1", ""},
        {"alpha", partition + "Alpha", "allowed > 0", ""},
        {"holdout", partition + "HoldoutFraction", "allowed [0, 0.99]", ""},
        {"gateAggregation", aggregation + "Gate", "all or assigned", "assigned"},
        {"aggregationRule", aggregation + "Rule", "mean, median or trimmed-mean", ""},
        {"trimFraction", aggregation + "TrimFraction", "allowed [0, 0.5)", ""},
        {"serverOptimizer", aggregation + "ServerOptimizer", "none, momentum or adam", ""},
        {"serverLearningRate", aggregation + "ServerLearningRate", "allowed > 0", ""},
        {"serverMomentum", aggregation + "ServerMomentum", "allowed [0, 1)", ""},
    };
    return aliases;
}

namespace
{

/// The alias named \p flag (throws std::invalid_argument if none).
const FedMoeFlagAlias&
FindAlias(const std::string& flag)
{
    for (const auto& alias : FedMoeScenario::Aliases())
    {
        if (alias.flag == flag)
        {
            return alias;
        }
    }
    throw std::invalid_argument("FedMoeScenario: no flag --" + flag + " aliases an attribute");
}

/// The TypeId's attribute an attribute path names.
TypeId::AttributeInformation
LookupAttribute(const std::string& path)
{
    const std::size_t colon = path.rfind("::");
    TypeId tid;
    TypeId::AttributeInformation info;
    if (colon == std::string::npos || !TypeId::LookupByNameFailSafe(path.substr(0, colon), &tid)
        || !tid.LookupAttributeByName(path.substr(colon + 2), &info))
    {
        throw std::invalid_argument("FedMoeScenario: no attribute " + path);
    }
    return info;
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

/// An attribute's default as --PrintHelp shows it (a Time in seconds: "20s", not "+2e+10ns").
std::string
DefaultText(const TypeId::AttributeInformation& info)
{
    if (auto t = DynamicCast<const TimeValue>(info.initialValue))
    {
        std::ostringstream os;
        os << t->Get().GetSeconds() << "s";
        return os.str();
    }
    return info.initialValue->SerializeToString(info.checker);
}

/// "--flag=value: allowed".
std::string
Refusal(const std::string& flag, const std::string& value)
{
    return "--" + flag + "=" + value + ": " + FindAlias(flag).allowed;
}

} // namespace

void
FedMoeScenario::SetDefaults()
{
    for (const auto& alias : Aliases())
    {
        if (!alias.scenarioDefault.empty())
        {
            Config::SetDefault(alias.path, StringValue(alias.scenarioDefault));
        }
    }
}

namespace
{

/// Whether text reads whole as a T (ns-3's number attributes abort, rather
/// than fail, on text they cannot read: "1e3" for an integer, "abc").
template<typename T>
bool
ReadsAs(const std::string& text)
{
    std::istringstream in(text);
    T value{};
    in >> value;
    return !in.fail() && in.eof();
}

} // namespace

std::string
FedMoeScenario::Set(const std::string& flag, const std::string& value)
{
    const FedMoeFlagAlias& alias = FindAlias(flag);
    const std::string type = LookupAttribute(alias.path).checker->GetValueTypeName();
    const bool readable = type == "ns3::UintegerValue"  ? ReadsAs<uint64_t>(value)
                          : type == "ns3::IntegerValue" ? ReadsAs<int64_t>(value)
                          : type == "ns3::DoubleValue"  ? ReadsAs<double>(value)
                                                        : true;
    if (!readable)
    {
        std::string refusal = Refusal(flag, value);
        const auto colon = refusal.find(": ");
        refusal.insert(colon == std::string::npos ? refusal.size() : colon + 2,
                       type == "ns3::DoubleValue" ? "not a number; " : "not a whole number; ");
        return refusal;
    }
    return Config::SetDefaultFailSafe(alias.path, StringValue(value)) ? "" : Refusal(flag, value);
}

std::string
FedMoeScenario::Get(const std::string& flag)
{
    const TypeId::AttributeInformation info = LookupAttribute(FindAlias(flag).path);
    return info.initialValue->SerializeToString(info.checker);
}

double
FedMoeScenario::GetNumber(const std::string& flag)
{
    const TypeId::AttributeInformation info = LookupAttribute(FindAlias(flag).path);
    if (auto d = DynamicCast<const DoubleValue>(info.initialValue))
    {
        return d->Get();
    }
    if (auto u = DynamicCast<const UintegerValue>(info.initialValue))
    {
        return static_cast<double>(u->Get());
    }
    if (auto t = DynamicCast<const TimeValue>(info.initialValue))
    {
        return t->Get().GetSeconds();
    }
    throw std::invalid_argument("FedMoeScenario: --" + flag + " is not a number");
}

void
FedMoeScenario::AddCommandLineValues(CommandLine& cmd)
{
    cmd.AddValue("policy", "Alignment policy: " + OneOf(FedMoeAlignmentPolicy::Names()), policy);
    cmd.AddValue("clients", "Edge devices (1..1000; 1..10000 with --fidelity=flow)", clients);
    cmd.AddValue("seed",
                 "ns-3 RNG seed, also the model's and the partition's (>= 1; --RngRun "
                 "selects the run)",
                 seed);
    cmd.AddValue("pcap", "Write pcap files to outDir", pcap);
    cmd.AddValue("flowmon", "Write FlowMonitor statistics to outDir/flowmon.xml", flowmon);
    cmd.AddValue("network",
                 "wifi (802.11ax cell), lte (LTE cell with an EPC; the server behind the PGW) "
                 "or p2p (star from the device profiles)",
                 network);
    cmd.AddValue("fidelity",
                 "How the network is simulated: packet (ns-3 devices, TCP, pcap) or flow "
                 "(messages as flows sharing links and cells; for scale)",
                 fidelity);
    cmd.AddValue("flowCalibration",
                 "Flow-level factors fitted from packet-level runs (fedmoe-flow-calibrate's "
                 "JSON; empty: the shipped defaults)",
                 flowCalibration);
    cmd.AddValue("distanceMax",
                 "Largest device distance from the AP or eNB, m (>= 1; LTE cells are "
                 "hundreds of metres: e.g. 1500)",
                 distanceMax);
    cmd.AddValue("mobility", "How devices move (wifi, lte): static, random-walk or gauss-markov",
                 mobility);
    cmd.AddValue("speed", "Mean device speed when they move, m/s (0, 100]", speed);
    cmd.AddValue("lteScheduler", "LTE MAC scheduler: pf (proportional fair) or rr (round robin)",
                 lteScheduler);
    cmd.AddValue("netanim", "Write a NetAnim trace to outDir/netanim.xml", netanim);
    cmd.AddValue("lossExponent", "Log-distance path-loss exponent (> 0)", lossExponent);
    cmd.AddValue("errorRate", "Packet error rate of each p2p link, [0, 1)", errorRate);
    cmd.AddValue("bandwidthScale", "Multiplies the devices' link rates (> 0)", bandwidthScale);
    cmd.AddValue("overstated",
                 "Share of devices (p2p) whose links are slower than they announce, [0, 1]",
                 overstated);
    cmd.AddValue("overstatement",
                 "How many times faster than real those devices announce their links (>= 1)",
                 overstatement);
    cmd.AddValue("mix", "Device tier mix tier=weight,... over the FedMoeDeviceCatalog", mix);
    for (const auto& alias : Aliases())
    {
        const TypeId::AttributeInformation info = LookupAttribute(alias.path);
        const std::string flag = alias.flag;
        // Set where parsed, so flags and --ns3:: paths apply in command-line
        // order; a bad value is reported by Validate (naming the flag).
        auto set = [this, flag](const std::string& value)
        {
            const std::string error = Set(flag, value);
            if (m_flagError.empty())
            {
                m_flagError = error;
            }
            return true;
        };
        cmd.AddValue(alias.flag, info.help + " (" + alias.path + ")",
                     Callback<bool, FedMoeCompat::CommandLineValue>(set), DefaultText(info));
    }
}

std::vector<double>
FedMoeScenario::RateFactors() const
{
    std::vector<double> factors(clients, 1.0);
    const auto slow = static_cast<uint32_t>(std::lround(overstated * clients));
    if (slow == 0)
    {
        return factors;
    }
    std::vector<uint32_t> order(clients);
    std::iota(order.begin(), order.end(), 0U);
    // Its own engine from the seed: which devices lie does not move other draws.
    std::mt19937_64 engine(0x6f76657273746174ULL ^ seed);
    std::shuffle(order.begin(), order.end(), engine);
    for (uint32_t i = 0; i < slow; ++i)
    {
        factors[order[i]] = 1.0 / overstatement;
    }
    return factors;
}

std::string
FedMoeScenario::Validate() const
{
    if (!m_flagError.empty())
    {
        return m_flagError;
    }
    const std::vector<std::string> policies = FedMoeAlignmentPolicy::Names();
    if (std::find(policies.begin(), policies.end(), policy) == policies.end())
    {
        return ("--policy=" + policy + " is unknown; allowed: " + OneOf(policies));
    }
    const uint32_t most = fidelity == "flow" ? 10000 : 1000;
    if (clients < 1 || clients > most)
    {
        return ("--clients=" + std::to_string(clients) + ": allowed 1.." + std::to_string(most)
                + (fidelity == "flow" ? "" : " (1..10000 with --fidelity=flow)"));
    }
    // SetSeed puts the seed in all six components of RngStream's state; the
    // last three must be below its second modulus m2 = 4294944443. CommandLine
    // reads "-1" into this unsigned field as 4294967295.
    if (seed < 1 || seed >= 4294944443u)
    {
        return ("--seed=" + std::to_string(seed)
                + ": allowed 1..4294944442 (ns-3's RngStream seeds; a negative value wraps to a "
                  "large one)");
    }
    if (network != "wifi" && network != "lte" && network != "p2p")
    {
        return ("--network=" + network + " is unknown; allowed: wifi, lte or p2p");
    }
    if (fidelity != "packet" && fidelity != "flow")
    {
        return ("--fidelity=" + fidelity + " is unknown; allowed: packet or flow");
    }
    if (fidelity == "flow" && (pcap || flowmon))
    {
        return (std::string(pcap ? "--pcap" : "--flowmon")
                + "=true needs packets: allowed with --fidelity=packet only");
    }
    if (!flowCalibration.empty())
    {
        if (fidelity != "flow")
        {
            return "--flowCalibration applies to --fidelity=flow only";
        }
        FedMoeFlowFactors factors;
        const std::string bad = FedMoeReadFlowCalibration(flowCalibration, factors);
        if (!bad.empty())
        {
            return "--flowCalibration=" + flowCalibration + ": " + bad;
        }
    }
    if (MobilityType(mobility).empty())
    {
        return ("--mobility=" + mobility
                + " is unknown; allowed: static, random-walk or "
                  "gauss-markov");
    }
    if (!(speed > 0 && speed <= 100))
    {
        return ("--speed=" + Num(speed) + ": allowed (0, 100] m/s");
    }
    if (network == "p2p" && mobility != "static")
    {
        return ("--mobility=" + mobility
                + " has no effect on --network=p2p (allowed there: "
                  "static)");
    }
    if (network == "lte" && fidelity == "packet" && clients > 320)
    {
        return ("--clients=" + std::to_string(clients)
                + " on --network=lte: the scenario's one eNB takes at most 320 UEs (ns-3's SRS "
                  "slots); use --fidelity=flow, or --network=p2p or wifi for more devices");
    }
    if (lteScheduler != "pf" && lteScheduler != "rr")
    {
        return ("--lteScheduler=" + lteScheduler + " is unknown; allowed: pf or rr");
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
    if (!(overstated >= 0 && overstated <= 1))
    {
        return ("--overstated=" + Num(overstated) + ": allowed a share in [0, 1]");
    }
    if (!(overstatement >= 1) || !std::isfinite(overstatement))
    {
        return ("--overstatement=" + Num(overstatement) + ": allowed a factor >= 1");
    }
    // Flags the chosen network does not use are errors, not silently ignored.
    const FedMoeScenario standard;
    if (network != "p2p"
        && (overstated != standard.overstated || overstatement != standard.overstatement))
    {
        return ("--overstated and --overstatement apply to --network=p2p only (on wifi and lte "
                "the radio sets the rate whatever a device announces): drop them, or use "
                "--network=p2p");
    }
    if (network == "p2p"
        && (distanceMax != standard.distanceMax || distanceMin != standard.distanceMin))
    {
        return ("--distanceMax=" + Num(distanceMax)
                + " has no effect on --network=p2p (links come from the device profiles): drop "
                  "it, or use --network=wifi or lte");
    }
    if (network != "wifi" && lossExponent != standard.lossExponent)
    {
        return ("--lossExponent=" + Num(lossExponent)
                + " applies to --network=wifi only: drop it, or use --network=wifi");
    }
    if (network != "p2p" && errorRate != standard.errorRate)
    {
        return ("--errorRate=" + Num(errorRate)
                + " applies to --network=p2p only: drop it, or use --network=p2p");
    }
    if (network != "lte" && lteScheduler != standard.lteScheduler)
    {
        return ("--lteScheduler=" + lteScheduler
                + " applies to --network=lte only: drop it, or use --network=lte");
    }
    {
        // The mix names catalog tiers; every tier's links must stay >= 1 kbit/s
        // once scaled (a rate can otherwise truncate to 0 bit/s).
        auto population = CreateObject<FedMoeDevicePopulation>();
        try
        {
            population->SetAttribute("Mix", StringValue(mix));
        }
        catch (const std::exception& e)
        {
            return "--mix=" + mix + ": " + e.what();
        }
        for (const std::string& tier : FedMoeDeviceCatalog::Names())
        {
            Ptr<FedMoeDeviceProfile> p = FedMoeDeviceCatalog::CreateProfile(tier);
            const double slowest
                = std::min(p->GetUplinkRate().GetBitRate(), p->GetDownlinkRate().GetBitRate());
            if (mix.find(tier + "=") != std::string::npos && slowest * bandwidthScale < 1e3)
            {
                return ("--bandwidthScale=" + Num(bandwidthScale) + " leaves tier " + tier
                        + " a link of " + Num(slowest * bandwidthScale)
                        + " bit/s: allowed a scale that keeps every link >= 1 kbit/s");
            }
        }
    }
    // What the attributes' checkers cannot see: names, and one value against another.
    auto oneOf = [](const std::string& flag, const std::vector<std::string>& names) -> std::string
    {
        const std::string value = Get(flag);
        if (std::find(names.begin(), names.end(), value) == names.end())
        {
            return "--" + flag + "=" + value + " is unknown; allowed: " + OneOf(names);
        }
        return "";
    };
    for (const std::string& error :
         {oneOf("dataset", {"fashion-mnist", "cifar10", "synthetic"}),
          oneOf("expertKind", {"mlp", "cnn"}), oneOf("precision", {"fp32", "fp16", "int8"}),
          oneOf("optimizer", {"sgd", "adam"}),
          oneOf("partition", {"iid", "classes", "dirichlet", "quantity"}),
          oneOf("gateAggregation", {"all", "assigned"}),
          oneOf("aggregationRule", {"mean", "median", "trimmed-mean"}),
          oneOf("serverOptimizer", {"none", "momentum", "adam"})})
    {
        if (!error.empty())
        {
            return error;
        }
    }
    const double experts = GetNumber("experts");
    for (const char* flag : {"expertsPerClient", "topK"})
    {
        const double value = GetNumber(flag);
        if (value < 1 || value > experts)
        {
            return "--" + std::string(flag) + "=" + Get(flag) + ": allowed 1.." + Get("experts")
                   + " (--experts)";
        }
    }
    for (const char* flag : {"learningRate", "alpha", "serverLearningRate"})
    {
        if (!(GetNumber(flag) > 0))
        {
            return Refusal(flag, Get(flag));
        }
    }
    // Declared (large-model) sizes: within bounds, and only where the wire
    // carries declared sizes (the flow level; packets carry real bytes).
    for (const char* flag : {"expertWireBytes", "gateWireBytes"})
    {
        const double bytes = GetNumber(flag);
        if (bytes != 0 && (bytes < 1000 || bytes > 1e11))
        {
            return "--" + std::string(flag) + "=" + Get(flag)
                   + ": allowed 0 (the real size) or 1000..1e11 bytes";
        }
        if (bytes != 0 && fidelity != "flow")
        {
            return "--" + std::string(flag) + "=" + Get(flag)
                   + " needs --fidelity=flow (at packet level the wire carries the real bytes)";
        }
    }
    // The run's safety stop, 70 s + rounds x (deadline + 5 s), must stay well
    // inside ns-3's time range (int64 nanoseconds: 9.2e9 s); beyond it the
    // stop wraps and the run never ends.
    if (70 + GetNumber("rounds") * (GetNumber("deadline") + 5) > 1e9)
    {
        return "--deadline=" + Num(GetNumber("deadline")) + "s with --rounds=" + Get("rounds")
               + ": allowed rounds x (deadline + 5 s) up to 1e9 s of simulated time";
    }
    // Half-open ranges the checkers' closed bounds let through.
    for (const auto& [flag, below] : std::vector<std::pair<const char*, double>>{
             {"trimFraction", 0.5}, {"momentum", 1.0}, {"serverMomentum", 1.0}})
    {
        if (!(GetNumber(flag) < below))
        {
            return Refusal(flag, Get(flag));
        }
    }
    const std::string dataset = Get("dataset");
    const std::string dataDir = Get("dataDir");
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
    if (dataset == "synthetic" && Get("expertKind") == "cnn")
    {
        return "--expertKind=cnn needs image data (--dataset=fashion-mnist or cifar10)";
    }
    if (Get("outDir").empty())
    {
        return ("--outDir must not be empty");
    }
    return "";
}

} // namespace ns3
