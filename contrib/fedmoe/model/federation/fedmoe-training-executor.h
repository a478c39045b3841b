// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeTrainingExecutor: trains a round's local jobs all at once, over all
 * cores, as soon as the server has encoded the round's ASSIGNs, and hands each
 * client the result of exactly the ASSIGN it received (precomputed when the
 * bytes match, trained on the spot otherwise). Simulated time decides when an
 * UPDATE arrives, never what it holds.
 */

#ifndef FEDMOE_TRAINING_EXECUTOR_H
#define FEDMOE_TRAINING_EXECUTOR_H

#include "fedmoe-payload.h"
#include "fedmoe/learning/federated-moe.h"

#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief Runs the learning core's local training for the clients of a round.
 *
 * The server calls Submit() with every job of a round and the ASSIGN payload
 * it was built from, right after encoding them; the jobs are trained together
 * (FederatedMoe::TrainAll over Threads worker threads). A client calls Take()
 * with the ASSIGN payload it actually received and its shard: when both equal
 * what the job was built from, it gets the precomputed result (a byte
 * comparison: the client neither rebuilds the job nor hashes it), else the
 * job the ASSIGN describes is built and trained there and then. Either way
 * the result equals FederatedMoe::Train of the job as received. Results never
 * taken are discarded by EndRound().
 *
 * The executor also keeps the clients' shards (RegisterShard), so that the
 * server can build the jobs without holding any data itself.
 */
class FedMoeTrainingExecutor : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeTrainingExecutor();
    ~FedMoeTrainingExecutor() override;

    /**
     * \brief Set the learning core that trains.
     * \param model the model (shared with the server, which aggregates into it)
     */
    void SetModel(std::shared_ptr<fedmoe::learning::FederatedMoe> model);

    /** \return the learning core (null before SetModel) */
    std::shared_ptr<fedmoe::learning::FederatedMoe> GetModel() const;

    /**
     * \brief Remember a client's shard (training-set indices).
     * \param client client id
     * \param shard its indices
     */
    void RegisterShard(uint32_t client, std::vector<int64_t> shard);

    /**
     * \param client client id
     * \return its shard (empty if none was registered)
     */
    const std::vector<int64_t>& GetShard(uint32_t client) const;

    /**
     * \brief Remember a client's held-out split (training-set indices that
     *        never train; the personalised accuracy is measured on them).
     * \param client client id
     * \param heldOut its indices (disjoint from its shard)
     */
    void RegisterHoldout(uint32_t client, std::vector<int64_t> heldOut);

    /**
     * \param client client id
     * \return its held-out split (empty if none was registered)
     */
    const std::vector<int64_t>& GetHoldout(uint32_t client) const;

    /**
     * \brief Train a round's jobs now, in parallel, and keep the results.
     * \param round the round
     * \param jobs one job per client (job.client identifies it)
     * \param assigns the ASSIGN payload each job was built from, in the same order
     */
    void Submit(uint32_t round, const std::vector<fedmoe::learning::TrainJob>& jobs,
                const std::vector<FedMoeBytes>& assigns);

    /**
     * \brief The result of the ASSIGN a client received.
     * \param round the round
     * \param client client id
     * \param payload the ASSIGN payload as received
     * \param assign what it decoded to
     * \param shard the client's shard
     * \return the precomputed result if payload and shard are the submitted job's,
     *         else the job they describe trained now; result.error names a failure
     */
    fedmoe::learning::TrainResult Take(uint32_t round, uint32_t client, const FedMoeBytes& payload,
                                       const FedMoeAssign& assign,
                                       const std::vector<int64_t>& shard);

    /**
     * \brief Discard the results of rounds up to \p round that were never taken.
     * \param round the round that ended
     */
    void EndRound(uint32_t round);

    /** \return results kept and not yet taken */
    std::size_t GetPendingCount() const;
    /** \return jobs trained by Submit */
    uint64_t GetSubmittedCount() const;
    /** \return Take() calls answered from a precomputed result */
    uint64_t GetPrecomputedCount() const;
    /** \return Take() calls that had to train (bytes differ or nothing submitted) */
    uint64_t GetTrainedOnDemandCount() const;
    /** \return results discarded untaken */
    uint64_t GetDiscardedCount() const;
    /** \return wall-clock seconds spent training so far */
    double GetTrainingWallSeconds() const;

    /**
     * \brief TracedCallback signature for a batch of jobs trained.
     * \param round the round
     * \param jobs number of jobs
     * \param wallSeconds wall-clock seconds it took
     */
    typedef void (*TrainedCallback)(uint32_t round, uint32_t jobs, double wallSeconds);

  protected:
    void DoDispose() override;

  private:
    /// A kept result.
    struct Entry
    {
        FedMoeBytes assign;                   //!< the payload the job was built from
        std::vector<int64_t> shard;           //!< the shard it trains on
        fedmoe::learning::TrainResult result; //!< its result
    };

    /// Fails clearly when no model is set.
    const fedmoe::learning::FederatedMoe& Model() const;

    std::shared_ptr<fedmoe::learning::FederatedMoe> m_model; //!< the learning core
    uint32_t m_threads;                                      //!< TrainAll threads
    bool m_timingOnly{false}; //!< answer with FederatedMoe::Untrained, train nothing
    std::map<uint32_t, std::vector<int64_t>> m_shards;        //!< per client
    std::map<uint32_t, std::vector<int64_t>> m_holdouts;      //!< per client
    std::map<std::pair<uint32_t, uint32_t>, Entry> m_results; //!< (round, client)
    uint64_t m_submitted{0};                                  //!< jobs submitted
    uint64_t m_precomputed{0};                                //!< takes from m_results
    uint64_t m_onDemand{0};                                   //!< takes trained on the spot
    uint64_t m_discarded{0};                                  //!< never taken
    double m_wallSeconds{0};                                  //!< training wall time
    TracedCallback<uint32_t, uint32_t, double> m_trained;     //!< per batch
};

} // namespace ns3

#endif // FEDMOE_TRAINING_EXECUTOR_H
