// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeScenario's short flags: the flag -> attribute table (Aliases), and
 * setting and reading the attributes they alias.
 */

#include "fedmoe-scenario-text.h"
#include "fedmoe-scenario.h"

#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/nstime.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <sstream>
#include <stdexcept>

namespace ns3
{

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

namespace fedmoe_scenario_detail
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
Num(double v, int precision)
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

} // namespace fedmoe_scenario_detail

using namespace fedmoe_scenario_detail;

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

} // namespace ns3
