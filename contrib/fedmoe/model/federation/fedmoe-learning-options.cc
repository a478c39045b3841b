// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learning core's options as ns-3 Objects: one attribute per field, the
 * field's default as the attribute's.
 */

#include "fedmoe-learning-options.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeLearningOptions");

NS_OBJECT_ENSURE_REGISTERED(FedMoeModel);
NS_OBJECT_ENSURE_REGISTERED(FedMoeTraining);
NS_OBJECT_ENSURE_REGISTERED(FedMoePartition);
NS_OBJECT_ENSURE_REGISTERED(FedMoeAggregation);

namespace learning = fedmoe::learning;

TypeId
FedMoeModel::GetTypeId()
{
    using S = FedMoeModel;
    using O = learning::ModelOptions;
    static const O d; // the defaults, in one place
    static TypeId tid
        = TypeId("ns3::FedMoeModel")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeModel>()
              .AddAttribute("DataSet", "The data set: fashion-mnist, cifar10 or synthetic.",
                            StringValue(d.dataset),
                            MakeStringAccessor(&S::Set<std::string, &O::dataset>,
                                               &S::Get<std::string, &O::dataset>),
                            MakeStringChecker())
              .AddAttribute("DataDirectory",
                            "Directory of the data set's files (empty: Debian's "
                            "/usr/share/datasets/fashion-mnist; cifar10 needs one).",
                            StringValue(d.dataDir),
                            MakeStringAccessor(&S::Set<std::string, &O::dataDir>,
                                               &S::Get<std::string, &O::dataDir>),
                            MakeStringChecker())
              .AddAttribute("Experts", "Experts in the mixture (E).", UintegerValue(d.experts),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::experts>,
                                                 &S::Get<uint32_t, &O::experts>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute(
                  "TopK", "Experts mixed per sample (1..Experts).", UintegerValue(d.topK),
                  MakeUintegerAccessor(&S::Set<uint32_t, &O::topK>, &S::Get<uint32_t, &O::topK>),
                  MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("Hidden",
                            "Hidden width of an MLP expert (a CNN expert has fixed widths).",
                            UintegerValue(d.hidden),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::hidden>,
                                                 &S::Get<uint32_t, &O::hidden>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("ExpertKind", "What an expert is: mlp, or cnn (image data only).",
                            StringValue(d.expertKind),
                            MakeStringAccessor(&S::Set<std::string, &O::expertKind>,
                                               &S::Get<std::string, &O::expertKind>),
                            MakeStringChecker())
              .AddAttribute("Precision",
                            "Parameters on the wire (the codec): fp32, fp16 (half the bytes) or "
                            "int8 (a quarter, per-tensor scale).",
                            StringValue(d.precision),
                            MakeStringAccessor(&S::Set<std::string, &O::precision>,
                                               &S::Get<std::string, &O::precision>),
                            MakeStringChecker())
              .AddAttribute("EvalTopK",
                            "Experts mixed per test sample when the global model is evaluated "
                            "(0: TopK; Experts: every expert, weighted by the gate).",
                            UintegerValue(d.evalTopK),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::evalTopK>,
                                                 &S::Get<uint32_t, &O::evalTopK>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("EvalSamples",
                            "Test samples evaluated per round (0: the whole test set).",
                            UintegerValue(d.evalSamples),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::evalSamples>,
                                                 &S::Get<uint32_t, &O::evalSamples>),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute(
                  "Seed", "Seed of the initial weights and of synthetic data.",
                  UintegerValue(d.seed),
                  MakeUintegerAccessor(&S::Set<uint64_t, &O::seed>, &S::Get<uint64_t, &O::seed>),
                  MakeUintegerChecker<uint64_t>())
              .AddAttribute("SyntheticTrainSamples", "Training samples of the synthetic data set.",
                            UintegerValue(d.syntheticTrainSamples),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::syntheticTrainSamples>,
                                                 &S::Get<uint32_t, &O::syntheticTrainSamples>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("SyntheticTestSamples", "Test samples of the synthetic data set.",
                            UintegerValue(d.syntheticTestSamples),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::syntheticTestSamples>,
                                                 &S::Get<uint32_t, &O::syntheticTestSamples>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("SyntheticFeatures", "Features of a synthetic sample.",
                            UintegerValue(d.syntheticFeatures),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::syntheticFeatures>,
                                                 &S::Get<uint32_t, &O::syntheticFeatures>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("SyntheticClasses", "Classes of the synthetic data set.",
                            UintegerValue(d.syntheticClasses),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::syntheticClasses>,
                                                 &S::Get<uint32_t, &O::syntheticClasses>),
                            MakeUintegerChecker<uint32_t>(2));
    return tid;
}

TypeId
FedMoeTraining::GetTypeId()
{
    using S = FedMoeTraining;
    using O = learning::TrainOptions;
    static const O d;
    static TypeId tid
        = TypeId("ns3::FedMoeTraining")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeTraining>()
              .AddAttribute("Optimizer", "Local optimizer: sgd (with Momentum) or adam.",
                            StringValue(d.optimizer),
                            MakeStringAccessor(&S::Set<std::string, &O::optimizer>,
                                               &S::Get<std::string, &O::optimizer>),
                            MakeStringChecker())
              .AddAttribute("LearningRate", "Local step size (> 0).", DoubleValue(d.learningRate),
                            MakeDoubleAccessor(&S::Set<double, &O::learningRate>,
                                               &S::Get<double, &O::learningRate>),
                            MakeDoubleChecker<double>(0.0))
              .AddAttribute(
                  "Momentum", "SGD momentum, in [0, 1).", DoubleValue(d.momentum),
                  MakeDoubleAccessor(&S::Set<double, &O::momentum>, &S::Get<double, &O::momentum>),
                  MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("BatchSize", "Samples per local step.", UintegerValue(d.batchSize),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::batchSize>,
                                                 &S::Get<uint32_t, &O::batchSize>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("AuxLossWeight",
                            "Weight of the Switch-style load-balancing loss (>= 0).",
                            DoubleValue(d.auxLossWeight),
                            MakeDoubleAccessor(&S::Set<double, &O::auxLossWeight>,
                                               &S::Get<double, &O::auxLossWeight>),
                            MakeDoubleChecker<double>(0.0))
              .AddAttribute("AlignLossWeight", "Weight of the gate-alignment loss (>= 0).",
                            DoubleValue(d.alignLossWeight),
                            MakeDoubleAccessor(&S::Set<double, &O::alignLossWeight>,
                                               &S::Get<double, &O::alignLossWeight>),
                            MakeDoubleChecker<double>(0.0))
              .AddAttribute("RestrictedSoftmax",
                            "FedRS: factor on the logits of the classes absent from a client's "
                            "shard in its local loss, in (0, 1]; 1: off.",
                            DoubleValue(d.restrictedSoftmax),
                            MakeDoubleAccessor(&S::Set<double, &O::restrictedSoftmax>,
                                               &S::Get<double, &O::restrictedSoftmax>),
                            MakeDoubleChecker<double>(1e-6, 1.0));
    return tid;
}

TypeId
FedMoePartition::GetTypeId()
{
    using S = FedMoePartition;
    using O = learning::PartitionOptions;
    static const O d;
    static TypeId tid
        = TypeId("ns3::FedMoePartition")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoePartition>()
              .AddAttribute("Scheme",
                            "How the training set is split: iid, classes (ClassesPerClient "
                            "each), dirichlet (label skew, Alpha) or quantity (size skew, Alpha).",
                            StringValue(d.scheme),
                            MakeStringAccessor(&S::Set<std::string, &O::scheme>,
                                               &S::Get<std::string, &O::scheme>),
                            MakeStringChecker())
              .AddAttribute("ClassesPerClient", "Classes in each shard of the classes scheme.",
                            UintegerValue(d.classesPerClient),
                            MakeUintegerAccessor(&S::Set<uint32_t, &O::classesPerClient>,
                                                 &S::Get<uint32_t, &O::classesPerClient>),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute(
                  "Alpha",
                  "Dirichlet concentration of the dirichlet and quantity schemes "
                  "(> 0; small: skewed).",
                  DoubleValue(d.alpha),
                  MakeDoubleAccessor(&S::Set<double, &O::alpha>, &S::Get<double, &O::alpha>),
                  MakeDoubleChecker<double>(0.0))
              .AddAttribute("HoldoutFraction",
                            "Share of each client's shard held out from training, on which "
                            "the personalised accuracy is measured, in [0, 1).",
                            DoubleValue(d.holdoutFraction),
                            MakeDoubleAccessor(&S::Set<double, &O::holdoutFraction>,
                                               &S::Get<double, &O::holdoutFraction>),
                            MakeDoubleChecker<double>(0.0, 0.99))
              .AddAttribute(
                  "Seed", "Seed of the split (same seed, same shards).", UintegerValue(d.seed),
                  MakeUintegerAccessor(&S::Set<uint64_t, &O::seed>, &S::Get<uint64_t, &O::seed>),
                  MakeUintegerChecker<uint64_t>());
    return tid;
}

TypeId
FedMoeAggregation::GetTypeId()
{
    using S = FedMoeAggregation;
    using O = learning::AggregationOptions;
    static const O d;
    static TypeId tid
        = TypeId("ns3::FedMoeAggregation")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeAggregation>()
              .AddAttribute("Gate",
                            "How the gate is merged: all (every participant) or assigned (gate "
                            "row e over the clients assigned e).",
                            StringValue(d.gate),
                            MakeStringAccessor(&S::Set<std::string, &O::gate>,
                                               &S::Get<std::string, &O::gate>),
                            MakeStringChecker())
              .AddAttribute("Rule",
                            "How expert updates are merged: mean (FedAvg weighted by routed "
                            "samples), median or trimmed-mean.",
                            StringValue(d.rule),
                            MakeStringAccessor(&S::Set<std::string, &O::rule>,
                                               &S::Get<std::string, &O::rule>),
                            MakeStringChecker())
              .AddAttribute("TrimFraction", "Share cut from each end by trimmed-mean, in [0, 0.5).",
                            DoubleValue(d.trimFraction),
                            MakeDoubleAccessor(&S::Set<double, &O::trimFraction>,
                                               &S::Get<double, &O::trimFraction>),
                            MakeDoubleChecker<double>(0.0, 0.5))
              .AddAttribute("ServerOptimizer",
                            "How the global model moves towards the merge: none (take it), "
                            "momentum (FedAvgM) or adam (FedAdam).",
                            StringValue(d.serverOptimizer),
                            MakeStringAccessor(&S::Set<std::string, &O::serverOptimizer>,
                                               &S::Get<std::string, &O::serverOptimizer>),
                            MakeStringChecker())
              .AddAttribute("ServerLearningRate", "The server optimizer's step size (> 0).",
                            DoubleValue(d.serverLearningRate),
                            MakeDoubleAccessor(&S::Set<double, &O::serverLearningRate>,
                                               &S::Get<double, &O::serverLearningRate>),
                            MakeDoubleChecker<double>(0.0))
              .AddAttribute("ServerMomentum", "FedAvgM's beta and FedAdam's beta1, in [0, 1).",
                            DoubleValue(d.serverMomentum),
                            MakeDoubleAccessor(&S::Set<double, &O::serverMomentum>,
                                               &S::Get<double, &O::serverMomentum>),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("ServerBeta2", "FedAdam's second-moment decay, in [0, 1).",
                            DoubleValue(d.serverBeta2),
                            MakeDoubleAccessor(&S::Set<double, &O::serverBeta2>,
                                               &S::Get<double, &O::serverBeta2>),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("ServerEpsilon", "FedAdam's adaptivity tau (> 0).",
                            DoubleValue(d.serverEpsilon),
                            MakeDoubleAccessor(&S::Set<double, &O::serverEpsilon>,
                                               &S::Get<double, &O::serverEpsilon>),
                            MakeDoubleChecker<double>(0.0));
    return tid;
}

} // namespace ns3
