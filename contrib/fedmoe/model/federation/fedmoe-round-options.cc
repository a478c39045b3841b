// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRoundOptions: one attribute per field of FedMoeRoundSettings, the
 * field's default as the attribute's.
 */

#include "fedmoe-round-options.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeRoundOptions");

NS_OBJECT_ENSURE_REGISTERED(FedMoeRoundOptions);

namespace sched = fedmoe::scheduling;

TypeId
FedMoeRoundOptions::GetTypeId()
{
    using S = FedMoeRoundOptions;
    using O = FedMoeRoundSettings;
    static const O d; // the defaults, in one place
    static TypeId tid
        = TypeId("ns3::FedMoeRoundOptions")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeRoundOptions>()
              .AddAttribute("Rounds", "Federated rounds to run.", UintegerValue(d.rounds),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::rounds>,
                                                 &S::Get<uint32_t, &O::rounds>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("Participation",
                            "Share of the connected clients picked each round, in (0, 1].",
                            DoubleValue(d.participation),
                            MakeDoubleAccessor(&S::Set<double, &O::participation>,
                                               &S::Get<double, &O::participation>),
                            MakeDoubleChecker<double>(1e-9, 1.0))
              .AddAttribute("MinParticipants",
                            "Fewest participants per round (when that many are connected).",
                            UintegerValue(d.minParticipants),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::minParticipants>,
                                                 &S::Get<uint32_t, &O::minParticipants>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("LocalSteps",
                            "Local optimisation steps (batches) per client and round.",
                            UintegerValue(d.localSteps),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::localSteps>,
                                                 &S::Get<uint32_t, &O::localSteps>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("EvaluationInterval",
                            "Evaluate the global model every this many rounds (and after the "
                            "last).",
                            UintegerValue(d.evaluationInterval),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::evaluationInterval>,
                                                 &S::Get<uint32_t, &O::evaluationInterval>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("TargetAccuracy",
                            "Test accuracy whose first crossing is recorded (rounds_to_target, "
                            "time_to_target_s), in [0, 1]; 0: none.",
                            DoubleValue(d.targetAccuracy),
                            MakeDoubleAccessor(&S::Set<double, &O::targetAccuracy>,
                                               &S::Get<double, &O::targetAccuracy>),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("StopAtTarget", "End the run when TargetAccuracy is reached.",
                            BooleanValue(d.stopAtTarget),
                            MakeBooleanAccessor(&S::Set<bool, &O::stopAtTarget>,
                                                &S::Get<bool, &O::stopAtTarget>),
                            MakeBooleanChecker())
              .AddAttribute("MaxExpertsPerClient",
                            "Most experts a client trains per round (0: its memory decides).",
                            UintegerValue(d.maxExpertsPerClient),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::maxExpertsPerClient>,
                                                 &S::Get<uint32_t, &O::maxExpertsPerClient>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("MinTrainersPerExpert",
                            "Trainers each expert should get when capacity allows.",
                            UintegerValue(d.minTrainersPerExpert),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::minTrainersPerExpert>,
                                                 &S::Get<uint32_t, &O::minTrainersPerExpert>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("MaxTrainersPerExpert", "Most trainers per expert (0: unlimited).",
                            UintegerValue(d.maxTrainersPerExpert),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::maxTrainersPerExpert>,
                                                 &S::Get<uint32_t, &O::maxTrainersPerExpert>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute(
                  "FitnessSmoothing", "EMA weight of a new fitness reward, (0, 1].",
                  DoubleValue(d.fitness.smoothing),
                  MakeDoubleAccessor(&S::SetIn<sched::FitnessParameters, double, &O::fitness,
                                               &sched::FitnessParameters::smoothing>,
                                     &S::GetIn<sched::FitnessParameters, double, &O::fitness,
                                               &sched::FitnessParameters::smoothing>),
                  MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute(
                  "FitnessDecay",
                  "Share of the gap to the prior an untrained pair closes per round.",
                  DoubleValue(d.fitness.decay),
                  MakeDoubleAccessor(&S::SetIn<sched::FitnessParameters, double, &O::fitness,
                                               &sched::FitnessParameters::decay>,
                                     &S::GetIn<sched::FitnessParameters, double, &O::fitness,
                                               &sched::FitnessParameters::decay>),
                  MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute(
                  "FitnessLossWeight",
                  "Weight of the loss term in the fitness reward (the rest is the "
                  "routing share), [0, 1].",
                  DoubleValue(d.fitness.lossWeight),
                  MakeDoubleAccessor(&S::SetIn<sched::FitnessParameters, double, &O::fitness,
                                               &sched::FitnessParameters::lossWeight>,
                                     &S::GetIn<sched::FitnessParameters, double, &O::fitness,
                                               &sched::FitnessParameters::lossWeight>),
                  MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("UsageDecay",
                            "EMA weight of a round's load in the usage score, (0, 1] "
                            "(the window is about 1/UsageDecay rounds).",
                            DoubleValue(d.usage.smoothing),
                            MakeDoubleAccessor(&S::SetIn<sched::UsageParameters, double, &O::usage,
                                                         &sched::UsageParameters::smoothing>,
                                               &S::GetIn<sched::UsageParameters, double, &O::usage,
                                                         &sched::UsageParameters::smoothing>),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("PersonalExperts",
                            "Experts a client keeps for personalised inference: its best by "
                            "fitness (0: MaxExpertsPerClient, or TopK when that is 0).",
                            UintegerValue(d.personalExperts),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::personalExperts>,
                                                 &S::Get<uint32_t, &O::personalExperts>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("CompletionSmoothing",
                            "EMA weight of a round's observed/predicted time ratio per client, "
                            "and of a compute-speed sample.",
                            DoubleValue(d.completionSmoothing),
                            MakeDoubleAccessor(&S::Set<double, &O::completionSmoothing>,
                                               &S::Get<double, &O::completionSmoothing>),
                            MakeDoubleChecker<double>(1e-9, 1.0))
              .AddAttribute("MinWorkFraction",
                            "Least share of LocalSteps a client too slow for the deadline may "
                            "be given instead of nothing, in (0, 1] (1: whole work or none). "
                            "Binds the deadline-aware policies (channel-aware, min-cost-flow).",
                            DoubleValue(d.minWorkFraction),
                            MakeDoubleAccessor(&S::Set<double, &O::minWorkFraction>,
                                               &S::Get<double, &O::minWorkFraction>),
                            MakeDoubleChecker<double>(1e-9, 1.0))
              .AddAttribute("PlanningFraction",
                            "Share of the round deadline the deadline-aware policies "
                            "(channel-aware, min-cost-flow) plan each client's round to, in "
                            "(0, 1]. Below 1 they give less work per round for shorter rounds "
                            "(a round ends when every planned update is in); updates are still "
                            "taken until the deadline.",
                            DoubleValue(d.planningFraction),
                            MakeDoubleAccessor(&S::Set<double, &O::planningFraction>,
                                               &S::Get<double, &O::planningFraction>),
                            MakeDoubleChecker<double>(1e-9, 1.0))
              .AddAttribute("ObservationHalfLife",
                            "Age at which an observation of a client's link or compute counts "
                            "half against what it announced, s (> 0; 1e300: never ages).",
                            DoubleValue(d.observationHalfLifeS),
                            MakeDoubleAccessor(&S::Set<double, &O::observationHalfLifeS>,
                                               &S::Get<double, &O::observationHalfLifeS>),
                            MakeDoubleChecker<double>(1e-9))
              .AddAttribute("ExpertWireBytes",
                            "Declared size of an expert on the wire, bytes (0: its real size; "
                            "else 1000..1e11): transfers and memory of a large model's experts "
                            "while the small model really trains. Flow level only.",
                            UintegerValue(d.expertWireBytes),
                            MakeUintegerAccessor(&S::Set<uint64_t, &O::expertWireBytes>,
                                                 &S::Get<uint64_t, &O::expertWireBytes>),
                            MakeUintegerChecker<uint64_t>())
              .AddAttribute("GateWireBytes",
                            "Declared size of the gate on the wire, bytes (0: its real size; "
                            "else 1000..1e11). Flow level only.",
                            UintegerValue(d.gateWireBytes),
                            MakeUintegerAccessor(&S::Set<uint64_t, &O::gateWireBytes>,
                                                 &S::Get<uint64_t, &O::gateWireBytes>),
                            MakeUintegerChecker<uint64_t>())
              .AddAttribute(
                  "TimingOnly",
                  "Train, aggregate and evaluate nothing: rounds are timed by the "
                  "network and the compute model alone (test_accuracy is empty; "
                  "summary.json says timing_only).",
                  BooleanValue(d.timingOnly),
                  MakeBooleanAccessor(&S::Set<bool, &O::timingOnly>, &S::Get<bool, &O::timingOnly>),
                  MakeBooleanChecker());
    return tid;
}

} // namespace ns3
