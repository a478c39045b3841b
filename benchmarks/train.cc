// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-bench-train: local training speed and centralised accuracy of the
 * MoE learning core on Fashion-MNIST (E = 8 MLP experts 784-64-10, top-2,
 * 2 experts per client, batch 64), side by side with a plain LibTorch
 * autograd loop and the machine's sgemm ceiling:
 *
 *   1. the BLAS LibTorch runs on (a reference BLAS is ~20x slower);
 *   2. sgemm GFLOP/s on the layer shapes, one thread;
 *   3. reference: autograd, per-expert index_select / index_add_ dispatch,
 *      SGD, at 1 and 2 intra-op threads (the best one counts);
 *   4. ours, one client: MlpMoeKernel + SGD directly, and FederatedMoe::Train;
 *   5. ours, a round of 64 clients: FederatedMoe::TrainAll(jobs, 2);
 *   6. the FLOP ceiling (sgemm rate / FLOPs per sample) and the share reached;
 *   7. centralised accuracy: all experts allowed, 60,000 samples, up to 10
 *      epochs, stopping at >= 88 %.
 *
 * Goals: 4 >= 2x the best reference, 5 >= 4x, 7 >= 88 % in 10 epochs.
 *
 * Usage: fedmoe-bench-train [--quick] [--skip-centralised] [--data=DIR] [--kernel-only]
 *                           [--round-only]
 *   --kernel-only: only the MlpMoeKernel + SGD loop, ~10 s (for perf record)
 *   --round-only: only rounds of TrainAll(jobs, 2), ~10 s (for perf record)
 */

#include "fedmoe/learning/blas-threads.h"
#include "fedmoe/learning/dataset.h"
#include "fedmoe/learning/federated-moe.h"
#include "fedmoe/learning/mlp-moe-kernel.h"
#include "fedmoe/learning/moe-network.h"
#include "train-loops.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace fedmoe::learning;

namespace
{

using namespace fedmoe_bench;

/// A job for \p experts on \p shard with the global model's current values.
TrainJob
MakeJob(const FederatedMoe& fed, uint32_t client, std::vector<uint32_t> experts,
        std::vector<int64_t> shard, uint32_t steps, uint64_t seed)
{
    TrainJob job;
    job.client = client;
    job.experts = std::move(experts);
    job.gate = fed.EncodeGate();
    for (auto e : job.experts)
    {
        job.expertParams.push_back(fed.EncodeExpert(e));
    }
    job.shard = std::move(shard);
    job.steps = steps;
    job.seed = seed;
    return job;
}

/// A round: \p sizes.clients jobs on disjoint random shards, two random experts each, one pass.
std::vector<TrainJob>
RoundJobs(const FederatedMoe& fed, int64_t trainSamples, const Sizes& sizes)
{
    std::mt19937_64 rng(21);
    std::vector<int64_t> all(static_cast<size_t>(trainSamples));
    std::iota(all.begin(), all.end(), 0);
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<TrainJob> jobs;
    for (int64_t c = 0; c < sizes.clients; ++c)
    {
        std::vector<uint32_t> pair(8);
        std::iota(pair.begin(), pair.end(), 0u);
        std::shuffle(pair.begin(), pair.end(), rng);
        pair.resize(2);
        std::sort(pair.begin(), pair.end());
        std::vector<int64_t> clientShard(all.begin() + c * sizes.clientSamples,
                                         all.begin() + (c + 1) * sizes.clientSamples);
        jobs.push_back(MakeJob(fed, uint32_t(c), pair, clientShard, 0, uint64_t(c)));
    }
    return jobs;
}

/// Samples/s of TrainAll(jobs, threads); its wall time in \p seconds.
double
RoundRate(const FederatedMoe& fed, const std::vector<TrainJob>& jobs, uint32_t threads,
          double* seconds)
{
    SetThreads(1);
    const auto start = Clock::now();
    const auto results = fed.TrainAll(jobs, threads);
    *seconds = Since(start);
    uint64_t samples = 0;
    for (const auto& r : results)
    {
        samples += r.samples;
        if (!r.error.empty())
        {
            std::printf("  job failed: %s\n", r.error.c_str());
        }
    }
    return double(samples) / *seconds;
}

void
Rule()
{
    std::printf("%s\n", std::string(78, '-').c_str());
}

} // namespace

int
main(int argc, char** argv)
{
    bool quick = false;
    bool kernelOnly = false;
    bool roundOnly = false;
    bool centralised = true;
    std::string dataDir = "/usr/share/datasets/fashion-mnist";
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == "--quick")
        {
            quick = true;
        }
        else if (arg == "--kernel-only")
        {
            kernelOnly = true;
        }
        else if (arg == "--round-only")
        {
            roundOnly = true;
        }
        else if (arg == "--skip-centralised")
        {
            centralised = false;
        }
        else if (arg.rfind("--data=", 0) == 0)
        {
            dataDir = arg.substr(7);
        }
        else
        {
            std::fprintf(stderr,
                         "usage: fedmoe-bench-train [--quick] [--skip-centralised] [--data=DIR] "
                         "[--kernel-only] [--round-only]\n");
            return 2;
        }
    }
    Sizes sizes;
    if (quick)
    {
        sizes.singleSteps = 100;
        sizes.clients = 16;
        sizes.clientSamples = 448;
        sizes.epochs = 2;
    }

    // 1. BLAS.
    std::printf("fedmoe-bench-train%s: Fashion-MNIST, E=8 MLP experts 784-64-10, top-2, "
                "batch %lld\n",
                quick ? " (--quick)" : "", (long long) kBatch);
    Rule();
    std::printf("BLAS: %s\n", LoadedBlas().c_str());
    if (ReferenceBlasSuspected())
    {
        std::printf("WARNING: this looks like the reference BLAS (Debian's libblas.so.3 "
                    "alternative), ~20x slower than OpenBLAS.\n"
                    "         Fix: apt-get install libopenblas0-pthread\n");
    }
    std::printf("LibTorch intra-op threads by default: %d\n", at::get_num_threads());

    // 2. sgemm ceiling.
    SetThreads(1);
    struct Shape
    {
        const char* what;
        int64_t m, k, n;
        bool transposeA;
    };
    const Shape shapes[] = {{"x W1^T    [64,784]x[784,64]", 64, 784, 64, false},
                            {"x W1^T    [64,784]x[784,128]", 64, 784, 128, false},
                            {"dh^T x    [64,64]^T x [64,784]", 64, 64, 784, true},
                            {"x Wg^T    [64,784]x[784,8]", 64, 784, 8, false},
                            {"dz^T x    [8,64]^T x [64,784]", 8, 64, 784, true},
                            {"x Wcat^T  [64,784]x[784,136]", 64, 784, 136, false},
                            {"dcat^T x  [136,64]^T x [64,784]", 136, 64, 784, true}};
    double ceiling = 0;
    Rule();
    std::printf("sgemm, 1 thread (torch::mm):\n");
    for (const auto& s : shapes)
    {
        const double g = SgemmGflops(s.m, s.k, s.n, s.transposeA);
        ceiling = std::max(ceiling, g);
        std::printf("  %-34s %8.1f GFLOP/s\n", s.what, g);
    }

    // Data and model.
    const auto loadStart = Clock::now();
    ModelOptions model;
    model.dataset = "fashion-mnist";
    model.dataDir = dataDir;
    model.experts = 8;
    model.topK = 2;
    model.hidden = 64;
    TrainOptions train;
    train.optimizer = "sgd";
    train.learningRate = kLearningRate;
    train.batchSize = kBatch;
    train.auxLossWeight = kAuxWeight;
    FederatedMoe fed(model, train);
    Dataset data = Dataset::LoadFashionMnist(dataDir, true);
    const torch::Tensor trainX = data.inputs.reshape({data.Size(), -1}).contiguous();
    const torch::Tensor trainY = data.labels;
    std::printf("data loaded in %.1f s (%lld training samples)\n", Since(loadStart),
                (long long) data.Size());
    MoeShape shape;
    shape.inputSize = trainX.size(1);
    shape.classes = data.classes;
    const std::vector<int64_t> allowed{1, 5};
    std::vector<int64_t> shard(size_t(sizes.clientSamples * 4));
    std::iota(shard.begin(), shard.end(), 0);
    const double modelFlops = fed.TrainFlopsPerSample(2);

    if (kernelOnly)
    {
        // For profilers (perf record): the kernel loop alone, ~10 s.
        double loss = 0;
        std::printf("kernel + SGD: %.0f samples/s\n",
                    KernelLoop(shape, trainX, trainY, shard, allowed, 15000, &loss));
        return 0;
    }

    if (roundOnly)
    {
        // For profilers (perf record): rounds of clients, ~10 s.
        const auto jobs = RoundJobs(fed, trainX.size(0), sizes);
        double rate = 0;
        double seconds = 0;
        const auto start = Clock::now();
        while (Since(start) < 10)
        {
            rate = std::max(rate, RoundRate(fed, jobs, 2, &seconds));
        }
        std::printf("TrainAll(jobs, 2): %.0f samples/s\n", rate);
        return 0;
    }

    // 3. Reference.
    Rule();
    std::printf("%-46s %10s %8s %8s\n", "one client, 2 experts", "samples/s", "vs ref", "loss");
    double reference = 0;
    for (int threads : {1, 2})
    {
        double loss = 0;
        double rate = 0;
        for (int repeat = 0; repeat < 2; ++repeat)
        {
            rate = std::max(rate, ReferenceLoop(shape, trainX, trainY, shard, allowed,
                                                sizes.singleSteps, threads, &loss));
        }
        reference = std::max(reference, rate);
        std::printf("  reference autograd + dispatch, %d thread%s    %10.0f %8s %8.3f\n", threads,
                    threads > 1 ? "s" : " ", rate, "", loss);
    }

    // 4. Ours, one client.
    double loss = 0;
    const double kernelRate
        = std::max(KernelLoop(shape, trainX, trainY, shard, allowed, sizes.singleSteps, &loss),
                   KernelLoop(shape, trainX, trainY, shard, allowed, sizes.singleSteps, &loss));
    std::printf("  MlpMoeKernel + SGD, 1 thread                 %10.0f %7.2fx %8.3f\n", kernelRate,
                kernelRate / reference, loss);
    KernelBreakdown(shape, trainX, trainY, shard, allowed);
    SetThreads(1);
    const auto job = MakeJob(fed, 0, {1, 5}, shard, uint32_t(sizes.singleSteps), 5);
    fed.Train(job); // warm-up: the worker network
    TrainResult one;
    double facadeRate = 0;
    for (int repeat = 0; repeat < 2; ++repeat)
    {
        const auto start = Clock::now();
        one = fed.Train(job);
        facadeRate = std::max(facadeRate, double(one.samples) / Since(start));
    }
    if (!one.error.empty())
    {
        std::printf("  FederatedMoe::Train failed: %s\n", one.error.c_str());
    }
    std::printf("  FederatedMoe::Train, 1 thread                %10.0f %7.2fx %8.3f\n", facadeRate,
                facadeRate / reference, one.meanLoss);

    // 5. A round of clients.
    const auto jobs = RoundJobs(fed, trainX.size(0), sizes);
    double roundRate = 0;
    for (uint32_t threads : {1u, 2u})
    {
        double seconds = 0;
        const double rate = std::max(RoundRate(fed, jobs, threads, &seconds),
                                     RoundRate(fed, jobs, threads, &seconds));
        std::printf("  round: TrainAll(%lld jobs x %lld samples, %u)%*s %10.0f %7.2fx   (%.2f s)\n",
                    (long long) sizes.clients, (long long) sizes.clientSamples, threads,
                    quick ? 1 : 0, "", rate, rate / reference, seconds);
        if (threads == 2)
        {
            roundRate = rate;
        }
    }

    // 6. FLOP ceiling.
    Rule();
    // What the kernel computes: the gate and 2 experts forward, their weight
    // gradients and the hidden layers' input gradients; no input gradient, so
    // fewer than the usual "3x forward" count (FederatedMoe::TrainFlopsPerSample).
    MoeNetwork probe(shape);
    const double kernelFlops = MlpMoeKernel(probe, allowed).FlopsPerSample();
    const double ceilingRate = ceiling * 1e9 / kernelFlops;
    std::printf("FLOPs per training sample: %.0f as computed (%.0f by the 3x-forward count)\n",
                kernelFlops, modelFlops);
    std::printf("FLOP ceiling at %.1f GFLOP/s: %.0f samples/s per core\n", ceiling, ceilingRate);
    std::printf("  MlpMoeKernel + SGD        %5.1f %% of 1 core\n",
                100.0 * kernelRate / ceilingRate);
    std::printf("  FederatedMoe::Train       %5.1f %% of 1 core\n",
                100.0 * facadeRate / ceilingRate);
    std::printf("  TrainAll, 2 threads       %5.1f %% of 2 cores\n",
                100.0 * roundRate / (2 * ceilingRate));
    std::printf("Goals: one client >= 2x reference: %s; round >= 4x: %s\n",
                facadeRate >= 2 * reference ? "met" : "NOT met",
                roundRate >= 4 * reference ? "met" : "NOT met");

    // 7. Centralised accuracy.
    if (!centralised)
    {
        return 0;
    }
    Rule();
    TrainOptions adam = train;
    adam.optimizer = "adam";
    adam.learningRate = 1e-3;
    adam.auxLossWeight = kAuxWeight;
    ModelOptions central = model;
    FederatedMoe centre(central, adam);
    std::vector<int64_t> everything(size_t(trainX.size(0)));
    std::iota(everything.begin(), everything.end(), 0);
    std::printf("centralised: all 8 experts, top-2, Adam lr 1e-3, batch 64, 60,000 samples\n");
    std::printf("%6s %10s %10s %10s\n", "epoch", "accuracy", "loss", "seconds");
    SetThreads(1);
    const auto start = Clock::now();
    for (int64_t epoch = 1; epoch <= sizes.epochs; ++epoch)
    {
        auto result = centre.Train(
            MakeJob(centre, 0, {0, 1, 2, 3, 4, 5, 6, 7}, everything, 0, uint64_t(epoch)));
        if (!result.error.empty())
        {
            std::printf("failed: %s\n", result.error.c_str());
            return 1;
        }
        centre.Aggregate({result}, AggregationOptions{});
        const Evaluation eval = centre.Evaluate();
        std::printf("%6lld %9.2f%% %10.4f %10.1f\n", (long long) epoch, 100.0 * eval.accuracy,
                    eval.loss, Since(start));
        if (eval.accuracy >= 0.88)
        {
            std::printf("reached 88 %% after %lld epoch%s\n", (long long) epoch,
                        epoch > 1 ? "s" : "");
            break;
        }
    }
    return 0;
}
