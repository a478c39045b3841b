// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeJobMessages: ASSIGN -> job, result <-> UPDATE.
 */

#include "fedmoe-job-messages.h"

namespace ns3
{

namespace learning = fedmoe::learning;

learning::TrainJob
FedMoeJobMessages::MakeJob(uint32_t client, const FedMoeAssign& assign,
                           const std::vector<int64_t>& shard)
{
    learning::TrainJob job;
    job.client = client;
    job.experts = assign.experts;
    job.gate = assign.gate;
    job.expertParams = assign.expertParams;
    job.shard = shard;
    job.steps = assign.localSteps;
    job.seed = assign.seed;
    return job;
}

FedMoeUpdate
FedMoeJobMessages::ToUpdate(const learning::TrainResult& result)
{
    FedMoeUpdate update;
    update.experts = result.experts;
    update.gate = result.gate;
    update.expertParams = result.expertParams;
    update.samples = result.samples;
    update.meanLoss = result.meanLoss;
    update.flops = result.flops;
    update.routedSamples = result.routedSamples;
    update.routingShare.assign(result.routingShare.begin(), result.routingShare.end());
    return update;
}

learning::TrainResult
FedMoeJobMessages::FromUpdate(uint32_t client, const FedMoeUpdate& update)
{
    learning::TrainResult result;
    result.client = client;
    result.experts = update.experts;
    result.gate = update.gate;
    result.expertParams = update.expertParams;
    result.samples = update.samples;
    result.meanLoss = update.meanLoss;
    result.flops = update.flops;
    result.routedSamples = update.routedSamples;
    result.routingShare.assign(update.routingShare.begin(), update.routingShare.end());
    return result;
}

} // namespace ns3
