// SPDX-License-Identifier: GPL-2.0-only
/*
 * FederatedMoe: the data sets, the global model and the LibTorch work behind
 * the torch-free facade.
 */

#include "federated-moe.h"

#include "aggregator.h"
#include "blas-threads.h"
#include "dataset.h"
#include "evaluator.h"
#include "federated-moe-impl.h"
#include "local-trainer.h"
#include "moe-network.h"
#include "require.h"
#include "server-optimizer.h"
#include "tensor-codec.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <stdexcept>
#include <thread>

namespace fedmoe
{
namespace learning
{

namespace
{

/// Debian's dataset-fashion-mnist installs here.
const char* const kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// Detached copies of \p params, to decode into without touching them.
std::vector<torch::Tensor>
EmptyLike(const std::vector<torch::Tensor>& params)
{
    std::vector<torch::Tensor> out;
    for (const auto& p : params)
    {
        out.push_back(torch::empty_like(p).detach());
    }
    return out;
}

std::vector<int64_t>
Numels(const std::vector<torch::Tensor>& params)
{
    std::vector<int64_t> n;
    for (const auto& p : params)
    {
        n.push_back(p.numel());
    }
    return n;
}

/// A network per worker thread and shape, reused across jobs: Train() overwrites
/// the gate and the assigned experts, and only those take part, so what the
/// other experts hold from an earlier job never matters.
MoeNetwork&
WorkerNetwork(const MoeShape& shape)
{
    thread_local std::map<std::string, MoeNetwork> cache;
    const std::string key = shape.expertKind + "/" + std::to_string(shape.inputSize) + "/"
                            + std::to_string(shape.classes) + "/" + std::to_string(shape.experts)
                            + "/" + std::to_string(shape.topK) + "/" + std::to_string(shape.hidden)
                            + "/" + std::to_string(shape.channels) + "/"
                            + std::to_string(shape.height) + "/" + std::to_string(shape.width);
    auto it = cache.find(key);
    if (it == cache.end())
    {
        it = cache.emplace(key, MoeNetwork(shape)).first;
    }
    return it->second;
}

} // namespace

namespace
{

ServerOptimizerOptions
ToServerOptimizerOptions(const AggregationOptions& a)
{
    ServerOptimizerOptions o;
    o.kind = a.serverOptimizer;
    o.learningRate = a.serverLearningRate;
    o.momentum = a.serverMomentum;
    o.beta2 = a.serverBeta2;
    o.epsilon = a.serverEpsilon;
    return o;
}

bool
SameRule(const ServerOptimizerOptions& a, const ServerOptimizerOptions& b)
{
    return a.kind == b.kind && a.learningRate == b.learningRate && a.momentum == b.momentum
           && a.beta2 == b.beta2 && a.epsilon == b.epsilon;
}

} // namespace

void
ValidateAggregationOptions(const AggregationOptions& options)
{
    Require(options.gate == "all" || options.gate == "assigned",
            "AggregationOptions: gate '" + options.gate + "' is unknown; allowed: all, assigned");
    ParseMergeRule(options.rule);
    Require(options.trimFraction >= 0 && options.trimFraction < 0.5,
            "AggregationOptions: trimFraction " + std::to_string(options.trimFraction)
                + " must be in [0, 0.5)");
    try
    {
        ValidateServerOptimizerOptions(ToServerOptimizerOptions(options));
    }
    catch (const std::invalid_argument& e)
    {
        throw std::invalid_argument(std::string("AggregationOptions: ") + e.what());
    }
}

namespace
{

std::pair<Dataset, Dataset>
LoadDatasets(const ModelOptions& m)
{
    if (m.dataset == "fashion-mnist")
    {
        const std::string dir = m.dataDir.empty() ? kDefaultFashionMnistDir : m.dataDir;
        return {Dataset::LoadFashionMnist(dir, true), Dataset::LoadFashionMnist(dir, false)};
    }
    if (m.dataset == "cifar10")
    {
        Require(!m.dataDir.empty(),
                "ModelOptions: dataset cifar10 needs dataDir (the folder of data_batch_1.bin ... "
                "test_batch.bin)");
        return {Dataset::LoadCifar10(m.dataDir, true), Dataset::LoadCifar10(m.dataDir, false)};
    }
    Require(m.dataset == "synthetic",
            "ModelOptions: dataset '" + m.dataset
                + "' is unknown; allowed: fashion-mnist, cifar10, synthetic");
    Require(m.syntheticClasses >= 2, "ModelOptions: syntheticClasses "
                                         + std::to_string(m.syntheticClasses) + " must be >= 2");
    Require(m.syntheticFeatures >= 1, "ModelOptions: syntheticFeatures 0 must be >= 1");
    Require(m.syntheticTrainSamples >= 1 && m.syntheticTestSamples >= 1,
            "ModelOptions: synthetic sample counts must be >= 1");
    return {Dataset::MakeSynthetic(m.syntheticTrainSamples, m.syntheticClasses, m.syntheticFeatures,
                                   m.seed, m.seed * 2 + 1),
            Dataset::MakeSynthetic(m.syntheticTestSamples, m.syntheticClasses, m.syntheticFeatures,
                                   m.seed, m.seed * 2 + 2)};
}

} // namespace

FederatedMoe::Impl::Impl(const ModelOptions& model, const TrainOptions& train)
    : m_model(model),
      m_train(train),
      m_precision(ParsePrecision(model.precision)),
      m_trainer(train)
{
    Require(model.experts >= 1, "ModelOptions: experts 0 is invalid; must be >= 1");
    Require(model.topK >= 1 && model.topK <= model.experts,
            "ModelOptions: topK " + std::to_string(model.topK)
                + " must be in [1, experts=" + std::to_string(model.experts) + "]");
    Require(model.evalTopK <= model.experts,
            "ModelOptions: evalTopK " + std::to_string(model.evalTopK) + " outside 0..experts ("
                + std::to_string(model.experts) + "; 0: topK)");
    Require(model.expertKind != "cnn" || model.dataset != "synthetic",
            "ModelOptions: cnn experts need image data (fashion-mnist or cifar10), not synthetic");
    auto [trainSet, testSet] = LoadDatasets(model);
    const auto dims = trainSet.inputs.sizes();
    m_shape.inputSize = trainSet.inputs[0].numel();
    m_shape.classes = trainSet.classes;
    m_shape.experts = model.experts;
    m_shape.topK = model.topK;
    m_shape.hidden = model.hidden;
    m_shape.expertKind = model.expertKind;
    m_shape.channels = dims[1];
    m_shape.height = dims[2];
    m_shape.width = dims[3];
    m_classes = trainSet.classes;
    m_trainX = trainSet.inputs.reshape({trainSet.Size(), -1}).contiguous();
    m_trainY = trainSet.labels;
    int64_t testCount = testSet.Size();
    if (model.evalSamples > 0)
    {
        testCount = std::min<int64_t>(testCount, model.evalSamples);
    }
    m_testX = testSet.inputs.narrow(0, 0, testCount).reshape({testCount, -1}).contiguous();
    m_testY = testSet.labels.narrow(0, 0, testCount);
    torch::manual_seed(model.seed);
    m_global = MoeNetwork(m_shape);
}

FederatedMoe::FederatedMoe(const ModelOptions& model, const TrainOptions& train)
    : m_impl(std::make_unique<Impl>(model, train))
{
}

FederatedMoe::~FederatedMoe() = default;

const ModelOptions&
FederatedMoe::GetModelOptions() const
{
    return m_impl->m_model;
}

const TrainOptions&
FederatedMoe::GetTrainOptions() const
{
    return m_impl->m_train;
}

uint32_t
FederatedMoe::Experts() const
{
    return uint32_t(m_impl->m_shape.experts);
}

uint32_t
FederatedMoe::Classes() const
{
    return uint32_t(m_impl->m_classes);
}

std::vector<int64_t>
FederatedMoe::TrainLabels() const
{
    auto labels = m_impl->m_trainY.contiguous();
    return std::vector<int64_t>(labels.data_ptr<int64_t>(),
                                labels.data_ptr<int64_t>() + labels.numel());
}

std::vector<uint8_t>
FederatedMoe::EncodeGate() const
{
    return TensorCodec::Encode(m_impl->m_global->GateParameters(), m_impl->m_precision);
}

std::vector<uint8_t>
FederatedMoe::EncodeExpert(uint32_t e) const
{
    return TensorCodec::Encode(m_impl->m_global->ExpertParameters(e), m_impl->m_precision);
}

uint64_t
FederatedMoe::GateBytes() const
{
    return TensorCodec::EncodedSize(Numels(m_impl->m_global->GateParameters()),
                                    m_impl->m_precision);
}

uint64_t
FederatedMoe::ExpertBytes() const
{
    return TensorCodec::EncodedSize(Numels(m_impl->m_global->ExpertParameters(0)),
                                    m_impl->m_precision);
}

double
FederatedMoe::TrainFlopsPerSample(uint32_t assigned) const
{
    return learning::TrainFlopsPerSample(m_impl->m_shape, assigned);
}

TrainResult
FederatedMoe::Train(const TrainJob& job) const
{
    TrainResult result;
    result.client = job.client;
    result.experts = job.experts;
    try
    {
        const Impl& d = *m_impl;
        Require(!job.experts.empty(), "no expert assigned");
        Require(job.expertParams.size() == job.experts.size(),
                std::to_string(job.expertParams.size()) + " expert parameter blocks for "
                    + std::to_string(job.experts.size()) + " experts");
        std::vector<int64_t> allowed(job.experts.begin(), job.experts.end());
        MoeNetwork& net = WorkerNetwork(d.m_shape);
        auto gate = net->GateParameters();
        TensorCodec::Decode(job.gate, gate);
        for (size_t i = 0; i < allowed.size(); ++i)
        {
            Require(allowed[i] < d.m_shape.experts, "expert id " + std::to_string(allowed[i])
                                                        + " outside [0, "
                                                        + std::to_string(d.m_shape.experts) + ")");
            auto params = net->ExpertParameters(allowed[i]);
            TensorCodec::Decode(job.expertParams[i], params);
        }
        LocalTrainingStats stats = d.m_trainer.Train(net, d.m_trainX, d.m_trainY, job.shard,
                                                     allowed, job.steps, job.seed);
        result.gate = TensorCodec::Encode(net->GateParameters(), d.m_precision);
        for (auto e : allowed)
        {
            result.expertParams.push_back(
                TensorCodec::Encode(net->ExpertParameters(e), d.m_precision));
        }
        result.samples = uint64_t(stats.samples);
        result.meanLoss = stats.meanLoss;
        result.flops = stats.flops;
        result.routedSamples.assign(stats.routed.begin(), stats.routed.end());
        result.routingShare = stats.routingShare;
    }
    catch (const std::exception& e)
    {
        result.error = "client " + std::to_string(job.client) + ": " + e.what();
        result.gate.clear();
        result.expertParams.clear();
    }
    return result;
}

TrainResult
FederatedMoe::Untrained(const TrainJob& job) const
{
    TrainResult result;
    result.client = job.client;
    result.experts = job.experts;
    const Impl& d = *m_impl;
    if (job.experts.empty() || job.expertParams.size() != job.experts.size() || job.shard.empty())
    {
        result.error = "client " + std::to_string(job.client)
                       + ": a job needs experts, one parameter block each and a shard";
        return result;
    }
    result.gate = job.gate;
    result.expertParams = job.expertParams;
    result.samples = uint64_t(job.steps) * uint64_t(d.m_train.batchSize);
    result.meanLoss = std::log(static_cast<double>(d.m_shape.classes));
    const auto assigned = static_cast<uint32_t>(job.experts.size());
    result.flops = TrainFlopsPerSample(assigned) * static_cast<double>(result.samples);
    const uint64_t k = std::min<uint64_t>(assigned, uint64_t(d.m_shape.topK));
    result.routedSamples.assign(d.m_shape.experts, 0);
    result.routingShare.assign(d.m_shape.experts, 0.0);
    for (uint32_t e : job.experts)
    {
        if (e >= uint32_t(d.m_shape.experts))
        {
            result.error = "client " + std::to_string(job.client) + ": expert id "
                           + std::to_string(e) + " outside the model";
            return result;
        }
        result.routedSamples[e] = result.samples * k / assigned;
        result.routingShare[e] = 1.0 / assigned;
    }
    return result;
}

std::vector<TrainResult>
FederatedMoe::TrainAll(const std::vector<TrainJob>& jobs, uint32_t threads) const
{
    std::vector<TrainResult> results(jobs.size());
    if (threads == 0)
    {
        threads = std::max(1u, std::thread::hardware_concurrency());
    }
    const uint32_t workers = std::min<uint32_t>(threads, uint32_t(jobs.size()));
    if (workers == 0)
    {
        return results;
    }
    // On these small operations LibTorch's intra-op threads cost more than they
    // give: one thread per job, jobs spread over the cores. OpenBLAS has a pool
    // of its own; left at two threads it spin-waits against the other job
    // (measured: a round 13x slower with 32-wide experts).
    const int previous = at::get_num_threads();
    const int previousBlas = BlasThreads();
    at::set_num_threads(1);
    LimitBlasThreads(1);
    std::atomic<size_t> next{0};
    auto work = [&]()
    {
        at::set_num_threads(1);
        for (size_t i = next++; i < jobs.size(); i = next++)
        {
            results[i] = Train(jobs[i]);
        }
    };
    std::vector<std::thread> pool;
    for (uint32_t w = 1; w < workers; ++w)
    {
        pool.emplace_back(work);
    }
    work();
    for (auto& t : pool)
    {
        t.join();
    }
    at::set_num_threads(previous);
    if (previousBlas > 0)
    {
        LimitBlasThreads(previousBlas);
    }
    return results;
}

void
FederatedMoe::Aggregate(const std::vector<TrainResult>& updates, const AggregationOptions& options)
{
    ValidateAggregationOptions(options);
    Impl& d = *m_impl;
    const int64_t experts = d.m_shape.experts;
    // Decode everything first: a bad update changes nothing.
    std::vector<std::vector<torch::Tensor>> gates;
    std::vector<std::map<int64_t, std::vector<torch::Tensor>>> trained;
    for (const auto& u : updates)
    {
        const std::string who = "Aggregate: update of client " + std::to_string(u.client) + ": ";
        Require(u.error.empty(), who + "failed: " + u.error);
        Require(u.expertParams.size() == u.experts.size(),
                who + std::to_string(u.expertParams.size()) + " parameter blocks for "
                    + std::to_string(u.experts.size()) + " experts");
        Require(u.routedSamples.empty() || int64_t(u.routedSamples.size()) == experts,
                who + "routedSamples has " + std::to_string(u.routedSamples.size())
                    + " entries, expected " + std::to_string(experts));
        gates.push_back(EmptyLike(d.m_global->GateParameters()));
        try
        {
            TensorCodec::Decode(u.gate, gates.back());
        }
        catch (const std::invalid_argument& e)
        {
            throw std::invalid_argument(who + "gate: " + e.what());
        }
        std::map<int64_t, std::vector<torch::Tensor>> mine;
        for (size_t i = 0; i < u.experts.size(); ++i)
        {
            const int64_t e = u.experts[i];
            Require(e < experts && (i == 0 || u.experts[i] > u.experts[i - 1]),
                    who + "expert ids must be sorted, distinct and < " + std::to_string(experts));
            auto params = EmptyLike(d.m_global->ExpertParameters(e));
            try
            {
                TensorCodec::Decode(u.expertParams[i], params);
            }
            catch (const std::invalid_argument& ex)
            {
                throw std::invalid_argument(who + "expert " + std::to_string(e) + ": " + ex.what());
            }
            mine.emplace(e, std::move(params));
        }
        trained.push_back(std::move(mine));
    }
    if (updates.empty())
    {
        return;
    }
    const MergeRule rule = ParseMergeRule(options.rule);
    const ServerOptimizerOptions server = ToServerOptimizerOptions(options);
    if (!SameRule(server, d.m_server.GetOptions()))
    {
        d.m_server = ServerOptimizer(server);
    }

    for (int64_t e = 0; e < experts; ++e)
    {
        std::vector<std::vector<torch::Tensor>> versions;
        std::vector<double> weights;
        for (size_t u = 0; u < updates.size(); ++u)
        {
            auto it = trained[u].find(e);
            if (it != trained[u].end())
            {
                versions.push_back(it->second);
                weights.push_back(updates[u].routedSamples.empty()
                                      ? double(updates[u].samples)
                                      : double(updates[u].routedSamples[e]));
            }
        }
        if (!versions.empty())
        {
            d.m_server.Step("expert-" + std::to_string(e), d.m_global->ExpertParameters(e),
                            MergeParameters(versions, weights, rule, options.trimFraction));
        }
    }

    std::vector<double> sampleWeights;
    for (const auto& u : updates)
    {
        sampleWeights.push_back(double(u.samples));
    }
    if (options.gate == "all")
    {
        d.m_server.Step("gate", d.m_global->GateParameters(),
                        MergeParameters(gates, sampleWeights, rule, options.trimFraction));
        return;
    }
    // Row e of the gate (its weight row and bias) from the clients assigned e
    // only; a row nobody was assigned merges to itself.
    std::vector<torch::Tensor> gate;
    for (const auto& p : d.m_global->GateParameters())
    {
        gate.push_back(p.detach().clone());
    }
    for (int64_t e = 0; e < experts; ++e)
    {
        std::vector<std::vector<torch::Tensor>> rows;
        std::vector<double> weights;
        for (size_t u = 0; u < updates.size(); ++u)
        {
            if (trained[u].count(e) > 0)
            {
                rows.push_back({gates[u][0][e], gates[u][1][e]});
                weights.push_back(sampleWeights[u]);
            }
        }
        if (!rows.empty())
        {
            auto merged = MergeParameters(rows, weights, rule, options.trimFraction);
            torch::NoGradGuard noGrad;
            gate[0][e].copy_(merged[0]);
            gate[1][e].copy_(merged[1]);
        }
    }
    d.m_server.Step("gate", d.m_global->GateParameters(), gate);
}

} // namespace learning
} // namespace fedmoe
