// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeJobMessages: the mapping between the messages of a round (ASSIGN,
 * UPDATE) and the learning core's job and result. Plain C++.
 */

#ifndef FEDMOE_JOB_MESSAGES_H
#define FEDMOE_JOB_MESSAGES_H

#include "fedmoe-payload.h"
#include "fedmoe/learning/federated-moe.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief What an ASSIGN asks of the learning core, and what an UPDATE carries back.
 */
class FedMoeJobMessages
{
  public:
    /**
     * \brief The job an ASSIGN describes for a client with a shard.
     * \param client client id
     * \param assign the ASSIGN payload
     * \param shard the client's shard
     * \return the job
     */
    static fedmoe::learning::TrainJob MakeJob(uint32_t client, const FedMoeAssign& assign,
                                              const std::vector<int64_t>& shard);

    /**
     * \brief The UPDATE payload that carries a training result.
     * \param result the result
     * \return the payload (routing shares narrowed to float, as on the wire)
     */
    static FedMoeUpdate ToUpdate(const fedmoe::learning::TrainResult& result);

    /**
     * \brief The training result an UPDATE payload carries.
     * \param client the sender
     * \param update the decoded payload
     * \return the result
     */
    static fedmoe::learning::TrainResult FromUpdate(uint32_t client, const FedMoeUpdate& update);
};

} // namespace ns3

#endif // FEDMOE_JOB_MESSAGES_H
