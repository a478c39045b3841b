// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientScoreboard: what the server knows of each client (the capacity
 * it announced, whether it is connected, fitness and usage scores, completion
 * ratios, the channel it observed) and the scheduler's input built from it.
 * Plain C++: no socket, no simulator.
 */

#ifndef FEDMOE_CLIENT_SCOREBOARD_H
#define FEDMOE_CLIENT_SCOREBOARD_H

#include "fedmoe-recorder.h"
#include "fedmoe/learning/federated-moe.h"
#include "fedmoe/scheduling/alignment-input.h"
#include "fedmoe/scheduling/capacity-estimator.h"
#include "fedmoe/scheduling/expert-usage-tracker.h"
#include "fedmoe/scheduling/fitness-tracker.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief What was observed of one direction of a client's link (a copy of
 *        the transport's estimate); a figure with 0 samples is unknown.
 */
struct FedMoeLinkObservation
{
    double goodputBps{0};        //!< smoothed goodput of past transfers, bit/s
    double rttS{0};              //!< smoothed round-trip time, s
    double snrDb{0};             //!< smoothed SNR, dB
    uint32_t transferSamples{0}; //!< transfers behind goodputBps
    uint32_t rttSamples{0};      //!< samples behind rttS
    uint32_t snrSamples{0};      //!< samples behind snrDb
    double observedAtS{std::numeric_limits<double>::quiet_NaN()}; //!< when last updated, s
    /// When goodputBps last changed (a transfer), s; the scoreboard keeps it.
    double transferAtS{std::numeric_limits<double>::quiet_NaN()};
    /// snrDb when goodputBps last changed (NaN: no SNR then); the scoreboard keeps it.
    double snrAtTransferDb{std::numeric_limits<double>::quiet_NaN()};
};

/**
 * \ingroup fedmoe-federation
 * \brief The compute speed the server inferred from a client's past rounds.
 */
struct FedMoeComputeObservation
{
    double gflops{0};                                             //!< smoothed, GFLOP/s
    uint32_t samples{0};                                          //!< rounds behind it
    double observedAtS{std::numeric_limits<double>::quiet_NaN()}; //!< last sample, s
};

/**
 * \ingroup fedmoe-federation
 * \brief How one participant of a round fared, for the completion ratios.
 */
struct FedMoeCompletion
{
    bool arrived{false};  //!< its update arrived and was accepted
    double predictedS{0}; //!< round time the estimator predicted, s
    double observedS{0};  //!< round start to arrival, s
    double deadlineS{0};  //!< the round's deadline, s (0: none)
};

/**
 * \ingroup fedmoe-federation
 * \brief What the server knows of one client that announced itself.
 */
struct FedMoeClientState
{
    std::string tier;                             //!< device tier, as announced
    fedmoe::scheduling::CapacityProfile capacity; //!< as announced (availability: 1)
    bool connected{false};                        //!< reachable now
    double completionRatio{1.0};                  //!< observed / predicted round time (EMA)
    uint32_t roundsAssigned{0};                   //!< rounds given work
    uint32_t roundsDropped{0};                    //!< rounds whose update was not used
    uint32_t missedRound{0};                      //!< round whose update is missing (0: none)
    FedMoeCompletion missed;                      //!< how that round was predicted
    uint32_t sharedRound{0}; //!< round whose uplink also carried a late update (0: none)
};

/**
 * \ingroup fedmoe-federation
 * \brief Whether a HELLO's announcement was recorded, and if not, why.
 */
struct FedMoeAdmission
{
    bool admitted{true};   //!< recorded
    bool malformed{false}; //!< refused for its content (else: for who sent it, or when)
    std::string detail;    //!< what exactly, when refused
};

/**
 * \ingroup fedmoe-federation
 * \brief The server's knowledge of its clients, and the scheduler's input from it.
 *
 * Clients announce themselves (Announce) and come and go (SetConnected); the
 * transport's channel estimates are copied in as they change (ObserveUplink,
 * ObserveDownlink). Start() creates the fitness and usage scores once the
 * client population is known (the first round). After each round,
 * RecordTraining() folds the used updates into fitness and usage and
 * RecordCompletions() the arrival times into the completion ratios.
 */
class FedMoeClientScoreboard
{
  public:
    /**
     * \brief Record a client's announcement (its HELLO); it is connected from now.
     * \param client client id
     * \param tier device tier
     * \param capacity announced capacity (validated by the caller)
     */
    void Announce(uint32_t client, const std::string& tier,
                  const fedmoe::scheduling::CapacityProfile& capacity);

    /**
     * \brief Check a HELLO's announcement and record it (Announce) if it is
     *        acceptable: a valid capacity (cores below 1 count as 1; the
     *        availability is the client's own business and counts as 1), an id
     *        below maxClients, and, once the first round has started, one of
     *        the clients that took part from the start.
     * \param client the id it claims
     * \param tier its tier's name
     * \param capacity what it announces
     * \param maxClients ids allowed: 0..maxClients-1
     * \return whether it was recorded, and if not, why
     */
    FedMoeAdmission Admit(uint32_t client, const std::string& tier,
                          fedmoe::scheduling::CapacityProfile capacity, uint32_t maxClients);

    /**
     * \brief Mark an announced client (dis)connected.
     * \param client client id (unknown ids are ignored)
     * \param connected reachable or not
     */
    void SetConnected(uint32_t client, bool connected);

    /**
     * \param client client id
     * \return whether it announced itself and is connected
     */
    bool IsConnected(uint32_t client) const;

    /** \return clients that announced themselves and are connected */
    uint32_t ConnectedCount() const;

    /** \return clients that ever announced themselves */
    uint32_t AnnouncedCount() const;

    /** \return the largest announced id (0 if none) */
    uint32_t MaxAnnouncedId() const;

    /**
     * \param client client id
     * \return its state (throws std::out_of_range when it never announced itself)
     */
    const FedMoeClientState& GetState(uint32_t client) const;

    /**
     * \brief Copy in the uplink (client -> server) estimate, which also holds RTT and SNR.
     * \param client client id
     * \param observation the estimate
     */
    void ObserveUplink(uint32_t client, const FedMoeLinkObservation& observation);

    /**
     * \brief Copy in the downlink (server -> client) estimate.
     * \param client client id
     * \param observation the estimate
     */
    void ObserveDownlink(uint32_t client, const FedMoeLinkObservation& observation);

    /**
     * \brief A compute-speed sample: the FLOPs of a job over the time from its
     *        ASSIGN's delivery to its UPDATE's first byte.
     * \param client client id
     * \param gflops the sample, GFLOP/s (not finite or not positive: ignored)
     * \param atS when, s
     * \param smoothing EMA weight of the new sample, (0, 1]
     */
    void ObserveCompute(uint32_t client, double gflops, double atS, double smoothing);

    /**
     * \brief Let the scheduler see a client's true link and compute (an
     *        oracle, the bound of what observation can reach) instead of what
     *        was observed; the completion ratio still applies.
     * \param client client id
     * \param truth the true goodputs, RTT and compute speed (ages 0)
     */
    void SetTruth(uint32_t client, const fedmoe::scheduling::ChannelObservation& truth);

    /**
     * \brief Tell the records how far a client is from its access point.
     * \param client client id
     * \param metres distance
     */
    void SetDistance(uint32_t client, double metres);

    /**
     * \brief Create the fitness and usage scores.
     * \param clients client ids 0..clients-1 take part
     * \param experts the model's experts
     * \param fitness fitness EMA parameters (validated here)
     * \param usage usage EMA parameters (validated here)
     */
    void Start(uint32_t clients, uint32_t experts,
               const fedmoe::scheduling::FitnessParameters& fitness,
               const fedmoe::scheduling::UsageParameters& usage);

    /** \return whether Start() was called */
    bool IsStarted() const;

    /** \return the clients the scores hold (0 before Start) */
    uint32_t NumClients() const;

    /**
     * \brief What the scheduler sees of a client's channel now (its truth
     *        when SetTruth gave one): observed
     *        goodput, RTT and compute speed (0: unknown, the announced profile
     *        stands in), their ages, and its completion ratio. When the radio's
     *        SNR (SINR) changed since the goodput was measured, the goodput is
     *        scaled by the ratio of Shannon capacities (SnrRateScale): the
     *        channel now predicts the next transfer better than the last one.
     * \param client client id
     * \param nowS the time the observation is for, s
     * \return the observation
     */
    fedmoe::scheduling::ChannelObservation ObservationOf(uint32_t client, double nowS) const;

    /**
     * \brief The connected clients as the scheduler describes them.
     * \param samples local samples each processes per round
     * \param nowS the time, s (ages of the observations)
     * \return one entry per connected client, by id
     */
    std::vector<fedmoe::scheduling::ClientInfo> Available(double samples, double nowS) const;

    /**
     * \brief Goodput scale an SNR change predicts: log2(1 + snr now) /
     *        log2(1 + snr then), clamped to [1/16, 4].
     * \param thenDb SNR when the goodput was measured, dB
     * \param nowDb SNR now, dB
     * \return the factor (1 when either is not finite)
     */
    static double SnrRateScale(double thenDb, double nowDb);

    /**
     * \brief The scheduler's input for some participants (after Start).
     * \param participants the round's participants
     * \param model the model's cost
     * \param constraints the round's limits
     * \return the input (fitness rows of the participants, usage of every expert)
     */
    fedmoe::scheduling::AlignmentInput BuildInput(
        const std::vector<fedmoe::scheduling::ClientInfo>& participants,
        const fedmoe::scheduling::ModelCost& model,
        const fedmoe::scheduling::AlignmentConstraints& constraints) const;

    /**
     * \brief Count a round of work given to a client.
     * \param client client id
     */
    void CountAssigned(uint32_t client);

    /**
     * \brief Count a round whose update from a client was not used.
     * \param client client id
     */
    void CountDropped(uint32_t client);

    /**
     * \brief Fold the updates a round used into fitness (loss and routing
     *        share of each trained pair) and usage (samples routed to each
     *        trained expert), then end the round of both scores.
     * \param updates the aggregated updates
     */
    void RecordTraining(const std::vector<fedmoe::learning::TrainResult>& updates);

    /**
     * \brief Update the completion ratios after a round. An update that did
     *        not arrive by the deadline says only that the round took the
     *        client longer than predicted, or that it was offline: unless the
     *        update turns up late (LateArrival) before the next round ends, the
     *        ratio then rises as if it had taken twice the prediction (at most
     *        the deadline).
     *        Clients left out of the round drift back towards the
     *        prediction, so that one once judged too slow is tried again.
     * \param round the round
     * \param participants how each participant fared; predictedS with what
     *        is observed now (the ratio corrects what observation misses)
     * \param smoothing EMA weight of a round, (0, 1]
     */
    void RecordCompletions(uint32_t round, const std::map<uint32_t, FedMoeCompletion>& participants,
                           double smoothing);

    /**
     * \brief An UPDATE of a closed round arrived after all: its transfer is
     *        observed now, so its absence does not raise the ratio; and the
     *        current round's time of that client, which shared the uplink
     *        with it, does not move the ratio either.
     * \param client its sender
     * \param round the round it names
     * \param currentRound the round open now (0: none)
     */
    void LateArrival(uint32_t client, uint32_t round, uint32_t currentRound);

    /** \return the fitness scores (throws std::logic_error before Start) */
    const fedmoe::scheduling::FitnessTracker& GetFitness() const;

    /** \return the usage scores (throws std::logic_error before Start) */
    const fedmoe::scheduling::ExpertUsageTracker& GetUsage() const;

    /**
     * \brief One clients.csv row per client that announced itself or has a distance.
     * \param samplesOf shard size of a client id
     * \return the rows, by id
     */
    std::vector<FedMoeClientRecord> ClientRecords(
        const std::function<uint64_t(uint32_t)>& samplesOf) const;

  private:
    std::map<uint32_t, FedMoeClientState> m_clients;                    //!< announced, by id
    std::map<uint32_t, FedMoeLinkObservation> m_uplink;                 //!< by id
    std::map<uint32_t, FedMoeLinkObservation> m_downlink;               //!< by id
    std::map<uint32_t, FedMoeComputeObservation> m_compute;             //!< by id
    std::map<uint32_t, fedmoe::scheduling::ChannelObservation> m_truth; //!< oracle, by id
    std::map<uint32_t, double> m_distances;                             //!< by id
    std::unique_ptr<fedmoe::scheduling::FitnessTracker> m_fitness;      //!< after Start
    std::unique_ptr<fedmoe::scheduling::ExpertUsageTracker> m_usage;    //!< after Start
};

} // namespace ns3

#endif // FEDMOE_CLIENT_SCOREBOARD_H
