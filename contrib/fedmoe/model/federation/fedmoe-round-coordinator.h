// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRoundCoordinator: one federated round as plain C++. Plan: participants
 * -> scheduler input -> policy -> jobs and ASSIGN payloads. Close: updates ->
 * aggregation -> scores -> evaluation -> the round's record. No socket, no
 * simulator: times are seconds given by the caller.
 */

#ifndef FEDMOE_ROUND_COORDINATOR_H
#define FEDMOE_ROUND_COORDINATOR_H

#include "fedmoe-client-scoreboard.h"
#include "fedmoe-payload.h"
#include "fedmoe-recorder.h"
#include "fedmoe/learning/federated-moe.h"
#include "fedmoe/scheduling/alignment-input.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The knobs of a run's rounds (the server's Attributes of the same names).
 */
struct FedMoeRoundSettings
{
    uint32_t rounds{10};                              //!< rounds to run
    double deadlineS{60};                             //!< round deadline, s
    double participation{1.0};                        //!< share of connected clients per round
    uint32_t minParticipants{1};                      //!< at least this many
    uint32_t localSteps{20};                          //!< local steps per client and round
    uint32_t evaluationInterval{1};                   //!< rounds between evaluations
    double targetAccuracy{0};                         //!< 0: none
    bool stopAtTarget{false};                         //!< end the run when reached
    uint32_t maxExpertsPerClient{2};                  //!< cap (0: memory only)
    uint32_t minTrainersPerExpert{1};                 //!< constraint
    uint32_t maxTrainersPerExpert{0};                 //!< constraint (0: none)
    fedmoe::learning::AggregationOptions aggregation; //!< how updates are merged
    fedmoe::scheduling::FitnessParameters fitness;    //!< fitness EMA
    fedmoe::scheduling::UsageParameters usage;        //!< usage EMA
    double completionSmoothing{0.3};                  //!< completion-ratio and compute EMA weight
    /// Least share of the local steps a slow client may be given to meet the
    /// deadline (1: whole work or none); binds the deadline-aware policies.
    double minWorkFraction{0.25};
    /// Age at which an observation counts half against the announced profile, s.
    double observationHalfLifeS{600};
    /// Share of the deadline the deadline-aware policies plan rounds to, (0, 1]:
    /// below 1 they trade work per round for shorter rounds.
    double planningFraction{1.0};
    /// Experts a client keeps for personalised inference: its best by fitness
    /// (0: MaxExpertsPerClient, or the model's top-k when that is 0 too).
    uint32_t personalExperts{0};
    /// Declared size of an expert on the wire, bytes (0: its real size): a
    /// large model's timing and memory while the small one really trains.
    uint64_t expertWireBytes{0};
    /// Declared size of the gate on the wire, bytes (0: its real size).
    uint64_t gateWireBytes{0};
    /// Nothing is trained, aggregated or evaluated (the executor's TimingOnly
    /// answers): rounds are timed by the network and the compute model only.
    bool timingOnly{false};

    /**
     * \brief Throw std::invalid_argument naming the first bad value.
     */
    void Validate() const;
};

/**
 * \ingroup fedmoe-federation
 * \brief A planned round: who takes part, who trains what, and what to send.
 */
struct FedMoeRoundPlan
{
    uint32_t round{0};                                    //!< from 1
    uint32_t participants{0};                             //!< clients picked
    std::map<uint32_t, std::vector<uint32_t>> assignment; //!< client -> experts (with work only)
    std::map<uint32_t, uint32_t> steps;           //!< client -> local steps (with work only)
    uint32_t leftOut{0};                          //!< participants given no work
    std::vector<fedmoe::learning::TrainJob> jobs; //!< one per assigned client, by id
    std::vector<FedMoeBytes> assigns;             //!< the ASSIGN payload of each job
    /// per job, declared minus real bytes of its messages (0: nothing declared)
    std::vector<int64_t> wireDelta;
};

/**
 * \ingroup fedmoe-federation
 * \brief Whether an UPDATE is wanted, and if not, why.
 */
struct FedMoeUpdateCheck
{
    /// The answer.
    enum Verdict : uint8_t
    {
        ACCEPTED,   //!< wanted (and, from Accept, kept)
        UNEXPECTED, //!< well formed but not wanted (round, sender, experts)
        MALFORMED,  //!< its content does not fit the model
    };

    Verdict verdict{ACCEPTED}; //!< the answer
    std::string detail;        //!< what exactly, when refused

    /** \return whether it was accepted */
    bool Ok() const
    {
        return verdict == ACCEPTED;
    }
};

/**
 * \ingroup fedmoe-federation
 * \brief What closing a round found.
 */
struct FedMoeRoundOutcome
{
    FedMoeRoundRecord record;                              //!< the rounds.csv row
    std::vector<std::pair<uint32_t, std::string>> refused; //!< updates aggregation refused: why
    std::vector<uint32_t> dropped;                         //!< participants not aggregated, by id
    std::vector<FedMoeParticipantRecord> participants;     //!< every picked client, by id
    bool reachedTarget{false};                             //!< TargetAccuracy reached this round
    bool runOver{false};                                   //!< no round follows
};

/**
 * \ingroup fedmoe-federation
 * \brief Runs the rounds of federated MoE training without a network.
 *
 * The caller (the server application, or a test) says when a round starts
 * (Plan), hands in each update that arrives (Expect, then Accept) and says when
 * the round ends (Close): when AllArrived() or at the deadline. The
 * coordinator keeps the open round's state, reads and updates the scoreboard
 * (what is known of the clients), aggregates into the learning core's global model and
 * keeps the run's totals. The scoreboard is the caller's, so that what is
 * learnt of the clients before the first round (announcements, channel) is kept.
 */
class FedMoeRoundCoordinator
{
  public:
    /// The alignment policy: an assignment for an input.
    using Policy
        = std::function<fedmoe::scheduling::Assignment(const fedmoe::scheduling::AlignmentInput&)>;
    /// A client's shard (training-set indices).
    using ShardSource = std::function<const std::vector<int64_t>&(uint32_t client)>;
    /// A fresh 64-bit seed per job.
    using SeedSource = std::function<uint64_t()>;

    /**
     * \brief A coordinator.
     * \param model the learning core (aggregated into)
     * \param settings validated here (std::invalid_argument)
     * \param policy the alignment policy
     * \param shards the clients' shards
     * \param scoreboard what is known of the clients (outlives the coordinator)
     */
    FedMoeRoundCoordinator(std::shared_ptr<fedmoe::learning::FederatedMoe> model,
                           const FedMoeRoundSettings& settings, Policy policy, ShardSource shards,
                           FedMoeClientScoreboard& scoreboard);

    /** \return what is known of the clients */
    FedMoeClientScoreboard& GetScoreboard();
    /** \return what is known of the clients */
    const FedMoeClientScoreboard& GetScoreboard() const;
    /** \return the settings */
    const FedMoeRoundSettings& GetSettings() const;

    /** \return the model the rounds train */
    const fedmoe::learning::FederatedMoe& GetModel() const;

    /**
     * \brief Fix the client population (ids 0..max(expected, largest announced)
     *        take part) and create the scores; before the first Plan.
     * \param expectedClients clients expected (0: the announced ones)
     */
    void Begin(uint32_t expectedClients);

    /**
     * \brief Open the next round: pick participants among the connected
     *        clients, ask the policy, encode the ASSIGNs and build the jobs.
     * \param startS the round's start, s
     * \param deadlineAtS the simulated time the ASSIGNs name as deadline, s
     * \param participantSeed seed of the participant draw
     * \param jobSeed one seed per job, in client-id order
     * \return the plan (the round is open from now, even with no work)
     */
    FedMoeRoundPlan Plan(double startS, double deadlineAtS, uint64_t participantSeed,
                         const SeedSource& jobSeed);

    /**
     * \param client a client
     * \return declared minus real bytes of its last job's messages (0: nothing declared)
     */
    int64_t GetWireDelta(uint32_t client) const;

    /** \return whether a round is open */
    bool IsOpen() const;
    /** \return the current (or last) round, 0 before the first */
    uint32_t GetRound() const;

    /**
     * \brief Whether an UPDATE for a round from a client is wanted (before decoding it).
     * \param round the round it names
     * \param client its sender
     * \return the check
     */
    FedMoeUpdateCheck Expect(uint32_t round, uint32_t client) const;

    /**
     * \brief Keep an update of the open round.
     * \param update what the UPDATE decoded to (update.client is the sender)
     * \param elapsedS time from the round's start to its arrival, s
     * \return ACCEPTED, or why it is refused (then nothing changes)
     */
    FedMoeUpdateCheck Accept(const fedmoe::learning::TrainResult& update, double elapsedS);

    /**
     * \brief Receive an UPDATE's payload: Expect, then decode (only what is
     *        wanted is decoded), then Accept.
     * \param round the round it names
     * \param client its sender
     * \param payload its payload bytes
     * \param elapsedS time from the round's start to its arrival, s
     * \param[out] accepted what it decoded to, when ACCEPTED
     * \return ACCEPTED, or why it is refused (bad bytes: MALFORMED)
     */
    FedMoeUpdateCheck Receive(uint32_t round, uint32_t client, const FedMoeBytes& payload,
                              double elapsedS, fedmoe::learning::TrainResult& accepted);

    /**
     * \brief Where each client's held-out split is (for the personalised
     *        accuracy; without it, or with empty splits, none is measured).
     * \param holdouts client -> training-set indices that never train
     */
    void SetHoldouts(ShardSource holdouts);

    /**
     * \brief The personalised accuracy now: each announced client's held-out
     *        split through the global model, routing restricted to its
     *        PersonalExperts best experts by fitness (before the first round:
     *        experts 0..m-1), averaged over the clients with a split.
     * \return the mean, or NaN when no client has a held-out split
     */
    double PersonalAccuracy() const;

    /**
     * \return the experts that fit \p client best (PersonalExperts of them):
     *         those it trained before those it never did, then by fitness
     */
    std::vector<uint32_t> BestExperts(uint32_t client) const;

    /** \return whether every participant with work has an accepted update */
    bool AllArrived() const;

    /**
     * \param client a participant of the open round
     * \return the FLOPs its job takes as the server reckons them (model
     *         shapes times its steps; 0 when it has no work)
     */
    double PlannedFlops(uint32_t client) const;

    /**
     * \param client a participant of the open round
     * \return the round time the scheduler predicted for it, s (0: no work)
     */
    double PredictedSeconds(uint32_t client) const;

    /**
     * \brief Close the open round: aggregate the accepted updates (an update
     *        the learning core refuses is left out), update fitness, usage and
     *        completion ratios, evaluate when due, record.
     * \param nowS the round's end, s
     * \param bytesDown bytes sent to clients this round
     * \param bytesUp bytes received from clients this round
     * \param unusedBytesUp of those, bytes of UPDATEs not used (late, refused)
     * \return what it found
     */
    FedMoeRoundOutcome Close(double nowS, uint64_t bytesDown, uint64_t bytesUp,
                             uint64_t unusedBytesUp = 0);

    /** \return the record of every closed round */
    const std::vector<FedMoeRoundRecord>& GetRecords() const;
    /** \return participants dropped, all rounds */
    uint64_t GetDroppedCount() const;
    /** \return test accuracy of the last evaluation (NaN: none) */
    double GetFinalAccuracy() const;
    /** \return the last personalised accuracy measured (NaN: none) */
    double GetFinalPersonalAccuracy() const;
    /** \return the round TargetAccuracy was first reached in (0: not reached) */
    uint32_t GetRoundsToTarget() const;
    /** \return when it was reached, s (negative: not reached) */
    double GetTimeToTargetS() const;
    /** \return bytes sent to clients, all closed rounds */
    uint64_t GetBytesDown() const;
    /** \return bytes received from clients, all closed rounds */
    uint64_t GetBytesUp() const;
    /** \return wall seconds since the coordinator was made */
    double GetWallSeconds() const;
    /** \return wall seconds spent encoding ASSIGNs */
    double GetEncodingWallSeconds() const;
    /** \return wall seconds spent aggregating */
    double GetAggregationWallSeconds() const;
    /** \return wall seconds spent evaluating */
    double GetEvaluationWallSeconds() const;

  private:
    /// A participant with work in the open round.
    struct Pending
    {
        std::vector<uint32_t> experts; //!< assigned
        uint32_t steps{0};             //!< local steps
        double flops{0};               //!< its job's FLOPs
        double predictedS{0};          //!< predicted round time
        bool received{false};          //!< its update was accepted
        double elapsedS{0};            //!< round start to arrival
    };

    /// Experts a client keeps for personalised inference (settings.personalExperts resolved).
    uint32_t PersonalExpertCount() const;
    /// The model's costs as the scheduler sees them.
    fedmoe::scheduling::ModelCost ModelCostOf() const;
    /// A client's round time for a job, from what is known of it at atS, s.
    double PredictSeconds(uint32_t client, uint32_t steps, const std::vector<uint32_t>& experts,
                          const fedmoe::scheduling::ModelCost& cost, double atS) const;
    /// Aggregates, leaving out an update the learning core refuses.
    void Aggregate(std::vector<fedmoe::learning::TrainResult>& updates, FedMoeRoundOutcome& out);

    std::shared_ptr<fedmoe::learning::FederatedMoe> m_model; //!< the learning core
    FedMoeRoundSettings m_settings;                          //!< knobs
    Policy m_policy;                                         //!< alignment
    ShardSource m_shards;                                    //!< data
    ShardSource m_holdouts;                                  //!< held-out splits
    FedMoeClientScoreboard& m_scoreboard;                    //!< clients
    uint32_t m_round{0};                                     //!< current round
    bool m_open{false};                                      //!< a round is open
    double m_roundStartS{0};                                 //!< of the open round
    std::map<uint32_t, Pending> m_pending;                   //!< participants with work
    std::map<uint32_t, int64_t> m_wireDelta; //!< per client, its last job's declared - real bytes
    std::vector<fedmoe::learning::TrainResult> m_updates;             //!< accepted this round
    std::vector<FedMoeRoundRecord> m_records;                         //!< closed rounds
    std::vector<uint32_t> m_pickedIds;                                //!< open round's participants
    uint32_t m_leftOut{0};                                            //!< open round's, no work
    uint32_t m_partial{0};                                            //!< open round's, cut work
    uint64_t m_dropped{0};                                            //!< all rounds
    uint64_t m_bytesDown{0};                                          //!< all rounds
    uint64_t m_bytesUp{0};                                            //!< all rounds
    double m_finalAccuracy{std::numeric_limits<double>::quiet_NaN()}; //!< last evaluation
    double m_finalPersonal{std::numeric_limits<double>::quiet_NaN()}; //!< last personalised
    uint32_t m_roundsToTarget{0};                                     //!< 0: not reached
    double m_timeToTargetS{-1};                                       //!< negative: not reached
    std::chrono::steady_clock::time_point m_wallStart;                //!< construction
    double m_wallEncoding{0};                                         //!< wall s
    double m_wallAggregation{0};                                      //!< wall s
    double m_wallEvaluation{0};                                       //!< wall s
};

} // namespace ns3

#endif // FEDMOE_ROUND_COORDINATOR_H
