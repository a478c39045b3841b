// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeScenario's options: the flag -> attribute aliases, the scenario's
 * own network flags, and their checks (nothing is built or written here).
 */

#include "../model/compat/fedmoe-ns3-compat.h"
#include "fedmoe-flow-calibration.h"
#include "fedmoe-scenario-text.h"
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

using namespace fedmoe_scenario_detail;

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
