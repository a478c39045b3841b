// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduling core's alignment policies as ns-3 Objects.
 */

#include "fedmoe-alignment-policy.h"

#include "fedmoe/scheduling/alignment-policy-factory.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeAlignmentPolicy");

NS_OBJECT_ENSURE_REGISTERED(FedMoeAlignmentPolicy);
NS_OBJECT_ENSURE_REGISTERED(FedMoeRandomPolicy);
NS_OBJECT_ENSURE_REGISTERED(FedMoeGreedyPolicy);
NS_OBJECT_ENSURE_REGISTERED(FedMoeLoadBalancedPolicy);
NS_OBJECT_ENSURE_REGISTERED(FedMoeChannelAwarePolicy);
NS_OBJECT_ENSURE_REGISTERED(FedMoeMinCostFlowPolicy);

namespace sched = fedmoe::scheduling;

TypeId
FedMoeAlignmentPolicy::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeAlignmentPolicy").SetParent<Object>().SetGroupName("FedMoe");
    return tid;
}

FedMoeAlignmentPolicy::FedMoeAlignmentPolicy()
    : m_seeds(CreateObject<UniformRandomVariable>())
{
}

void
FedMoeAlignmentPolicy::DoDispose()
{
    m_seeds = nullptr;
    Object::DoDispose();
}

sched::Assignment
FedMoeAlignmentPolicy::Assign(const sched::AlignmentInput& input)
{
    // One engine per round, seeded from the ns-3 stream: reproducible per
    // --RngRun, and independent of how many draws the previous round made.
    const uint64_t hi = m_seeds->GetInteger(0, UINT32_MAX);
    const uint64_t lo = m_seeds->GetInteger(0, UINT32_MAX);
    std::mt19937_64 engine((hi << 32) | lo);
    sched::Assignment assignment = GetCore().Assign(input, engine);
    NS_LOG_DEBUG(GetName() << ": " << assignment.Pairs() << " pairs for " << input.clients.size()
                           << " participants");
    return assignment;
}

std::string
FedMoeAlignmentPolicy::GetName() const
{
    return GetCore().Name();
}

int64_t
FedMoeAlignmentPolicy::AssignStreams(int64_t stream)
{
    m_seeds->SetStream(stream);
    return 1;
}

std::vector<std::string>
FedMoeAlignmentPolicy::Names()
{
    return sched::AlignmentPolicyNames();
}

Ptr<FedMoeAlignmentPolicy>
FedMoeAlignmentPolicy::Create(const std::string& name)
{
    if (name == "random")
    {
        return CreateObject<FedMoeRandomPolicy>();
    }
    if (name == "greedy")
    {
        return CreateObject<FedMoeGreedyPolicy>();
    }
    if (name == "load-balanced")
    {
        return CreateObject<FedMoeLoadBalancedPolicy>();
    }
    if (name == "channel-aware")
    {
        return CreateObject<FedMoeChannelAwarePolicy>();
    }
    if (name == "min-cost-flow")
    {
        return CreateObject<FedMoeMinCostFlowPolicy>();
    }
    std::string allowed;
    for (const auto& n : Names())
    {
        allowed += (allowed.empty() ? "" : "|") + n;
    }
    throw std::invalid_argument("policy '" + name + "' is unknown; allowed: " + allowed);
}

TypeId
FedMoeRandomPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FedMoeRandomPolicy")
                            .SetParent<FedMoeAlignmentPolicy>()
                            .SetGroupName("FedMoe")
                            .AddConstructor<FedMoeRandomPolicy>();
    return tid;
}

const sched::AlignmentPolicy&
FedMoeRandomPolicy::GetCore() const
{
    return m_core;
}

TypeId
FedMoeGreedyPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FedMoeGreedyPolicy")
                            .SetParent<FedMoeAlignmentPolicy>()
                            .SetGroupName("FedMoe")
                            .AddConstructor<FedMoeGreedyPolicy>();
    return tid;
}

const sched::AlignmentPolicy&
FedMoeGreedyPolicy::GetCore() const
{
    return m_core;
}

namespace
{

/**
 * Adds the attributes every desirability-based policy has.
 * \tparam P the wrapper class
 * \tparam Params its parameter struct
 */
template<class P, class Params>
TypeId
AddWeightAttributes(TypeId tid, const Params& defaults)
{
    return tid
        .AddAttribute("FitnessWeight",
                      "Weight of client-expert fitness in the desirability (>= 0).",
                      DoubleValue(defaults.fitnessWeight),
                      MakeDoubleAccessor(&P::template SetDouble<&Params::fitnessWeight>,
                                         &P::template GetDouble<&Params::fitnessWeight>),
                      MakeDoubleChecker<double>())
        .AddAttribute("UsageWeight",
                      "Weight of the expert's normalised (projected) usage, subtracted (>= 0).",
                      DoubleValue(defaults.usageWeight),
                      MakeDoubleAccessor(&P::template SetDouble<&Params::usageWeight>,
                                         &P::template GetDouble<&Params::usageWeight>),
                      MakeDoubleChecker<double>())
        .AddAttribute("ProjectionWeight",
                      "Share of the load already assigned this round that counts as usage "
                      "(>= 0), so clients do not all pile onto the least-used expert.",
                      DoubleValue(defaults.projectionWeight),
                      MakeDoubleAccessor(&P::template SetDouble<&Params::projectionWeight>,
                                         &P::template GetDouble<&Params::projectionWeight>),
                      MakeDoubleChecker<double>());
}

/**
 * Adds the weights of AddWeightAttributes plus the latency weight of the
 * channel-aware objective.
 * \tparam P the wrapper class
 * \tparam Params its parameter struct
 */
template<class P, class Params>
TypeId
AddChannelWeightAttributes(TypeId tid, const Params& defaults)
{
    return AddWeightAttributes<P>(tid, defaults)
        .AddAttribute("LatencyWeight",
                      "Weight of the time an expert adds to the client's expected round, "
                      "relative to the deadline (>= 0).",
                      DoubleValue(defaults.latencyWeight),
                      MakeDoubleAccessor(&P::template SetDouble<&Params::latencyWeight>,
                                         &P::template GetDouble<&Params::latencyWeight>),
                      MakeDoubleChecker<double>());
}

} // namespace

TypeId
FedMoeLoadBalancedPolicy::GetTypeId()
{
    using P = FedMoeLoadBalancedPolicy;
    static TypeId tid = AddWeightAttributes<P>(TypeId("ns3::FedMoeLoadBalancedPolicy")
                                                   .SetParent<FedMoeAlignmentPolicy>()
                                                   .SetGroupName("FedMoe")
                                                   .AddConstructor<P>(),
                                               sched::LoadBalancedParameters());
    return tid;
}

TypeId
FedMoeChannelAwarePolicy::GetTypeId()
{
    using P = FedMoeChannelAwarePolicy;
    static TypeId tid = AddChannelWeightAttributes<P>(TypeId("ns3::FedMoeChannelAwarePolicy")
                                                          .SetParent<FedMoeAlignmentPolicy>()
                                                          .SetGroupName("FedMoe")
                                                          .AddConstructor<P>(),
                                                      sched::ChannelAwareParameters());
    return tid;
}

TypeId
FedMoeMinCostFlowPolicy::GetTypeId()
{
    using P = FedMoeMinCostFlowPolicy;
    using Params = sched::MinCostFlowParameters;
    static TypeId tid
        = AddChannelWeightAttributes<P>(TypeId("ns3::FedMoeMinCostFlowPolicy")
                                            .SetParent<FedMoeAlignmentPolicy>()
                                            .SetGroupName("FedMoe")
                                            .AddConstructor<P>(),
                                        Params())
              .AddAttribute("EnforceDeadline",
                            "Whether no client may get a set whose expected round time breaks "
                            "the round deadline.",
                            BooleanValue(Params().enforceDeadline),
                            MakeBooleanAccessor(&P::SetBool<&Params::enforceDeadline>,
                                                &P::GetBool<&Params::enforceDeadline>),
                            MakeBooleanChecker())
              .AddAttribute("CandidateSlack",
                            "Experts per client in the flow graph beyond its capacity "
                            "(0 = every expert: exact).",
                            UintegerValue(Params().candidateSlack),
                            MakeUintegerAccessor(&P::SetUint<&Params::candidateSlack>,
                                                 &P::GetUint<&Params::candidateSlack>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("SlotSlack",
                            "Trainer slots per expert beyond the sequential solution's "
                            "(0 = unlimited: exact).",
                            UintegerValue(Params().slotSlack),
                            MakeUintegerAccessor(&P::SetUint<&Params::slotSlack>,
                                                 &P::GetUint<&Params::slotSlack>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("ExactUpToPairs",
                            "Instances with at most this many client-expert pairs are solved "
                            "over the full graph.",
                            UintegerValue(Params().exactUpToPairs),
                            MakeUintegerAccessor(&P::SetUint<&Params::exactUpToPairs>,
                                                 &P::GetUint<&Params::exactUpToPairs>),
                            MakeUintegerChecker<uint32_t>());
    return tid;
}

} // namespace ns3
