// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeServerApplication: the edge server of federated MoE training, as a
 * protocol: HELLO/ASSIGN/UPDATE through a FedMoeServerTransport, the round
 * deadline as an event. What a round does lives in FedMoeRoundCoordinator.
 */

#ifndef FEDMOE_SERVER_APPLICATION_H
#define FEDMOE_SERVER_APPLICATION_H

#include "fedmoe-alignment-policy.h"
#include "fedmoe-client-scoreboard.h"
#include "fedmoe-learning-options.h"
#include "fedmoe-link-observer.h"
#include "fedmoe-message-framer.h"
#include "fedmoe-payload.h"
#include "fedmoe-recorder.h"
#include "fedmoe-round-coordinator.h"
#include "fedmoe-round-options.h"
#include "fedmoe-server-transport.h"
#include "fedmoe-training-executor.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/fedmoe-channel-estimator.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The server side of federated MoE training (see DESIGN.md, "One round").
 *
 * Clients connect through the Transport (default: TCP on Port) and say HELLO
 * with their capacity. The
 * first round starts when ExpectedClients have said HELLO, or HelloTimeout
 * after the start with whoever has. Each round the FedMoeRoundCoordinator
 * plans (participants, the Policy's assignment, ASSIGN payloads and jobs);
 * the application submits the jobs to the FedMoeTrainingExecutor, sends the
 * ASSIGNs, hands each UPDATE that arrives to the coordinator and closes the
 * round when all have arrived or RoundDeadline passes. A message for another
 * round, from a client or for an expert not assigned, or with bad bytes is
 * rejected (MessageRejected), counted and never used. Transfers and RTT
 * samples feed the channel estimators, whose estimates the coordinator's
 * scoreboard reads.
 *
 * After Rounds rounds (or at TargetAccuracy with StopAtTarget) RunEnded fires,
 * the connections close and the simulation stops. An error (a policy or the
 * model refusing its input) ends the run the same way, with the error.
 * Records and progress are sinks of these trace sources (FedMoeHelper
 * connects them).
 */
class FedMoeServerApplication : public Application
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeServerApplication();
    ~FedMoeServerApplication() override;

    /**
     * \brief Set the training executor (holds the model and the shards).
     * \param executor the executor
     */
    void SetExecutor(Ptr<FedMoeTrainingExecutor> executor);

    /**
     * \brief Tell the records how far a client is from the AP.
     * \param client client id
     * \param metres distance
     */
    void SetClientDistance(uint32_t client, double metres);

    /**
     * \brief The truth about a client's link and compute, for the Oracle
     *        attribute (ignored when it is false).
     * \param client client id
     * \param truth its true goodputs, RTT and compute speed
     */
    void SetClientTruth(uint32_t client, const fedmoe::scheduling::ChannelObservation& truth);

    /** \return whether the scheduler sees the truth (the Oracle attribute) */
    bool IsOracle() const;

    /** \return the estimator fed with uplink transfers (UPDATEs), RTT and, when connected, SNR */
    Ptr<FedMoeChannelEstimator> GetUplinkEstimator() const;

    /** \return the coordinator of the rounds (null before the application starts) */
    const FedMoeRoundCoordinator* GetCoordinator() const;

    /** \return the rounds completed */
    uint32_t GetRoundsCompleted() const;
    /** \return messages rejected so far */
    uint64_t GetRejectedCount() const;
    /** \return participants dropped so far (all rounds) */
    uint64_t GetDroppedCount() const;
    /** \return the error that ended the run (empty if none) */
    const std::string& GetError() const;

    /**
     * \brief End the run now, as if it had finished, but marked interrupted
     *        (a signal, a time limit): the open round is dropped unrecorded,
     *        RunEnded fires with "interrupted": true and the reason, the
     *        connections close and the simulation stops.
     * \param why what interrupted it (e.g. "SIGTERM")
     */
    void Interrupt(const std::string& why);

    /** \return the test accuracy of the last evaluation (NaN if none) */
    double GetFinalAccuracy() const;
    /** \return wall-clock seconds spent encoding ASSIGNs and decoding UPDATEs */
    double GetSerialisationWallSeconds() const;
    /** \return one record per client that said HELLO (or has a distance) */
    std::vector<FedMoeClientRecord> GetClientRecords() const;

    /**
     * \brief Fix the random streams used (participants, job seeds, policy).
     * \param stream first stream index
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * \brief TracedCallback signature for the start of a round.
     * \param round the round (from 1)
     * \param participants clients picked
     */
    typedef void (*RoundStartedCallback)(uint32_t round, uint32_t participants);

    /**
     * \brief TracedCallback signature for an assignment.
     * \param round the round
     * \param assignment client -> experts (clients with work only)
     */
    typedef void (*AssignmentCallback)(uint32_t round,
                                       const std::map<uint32_t, std::vector<uint32_t>>& assignment);

    /**
     * \brief TracedCallback signature for an ASSIGN sent.
     * \param round the round
     * \param client the client
     * \param payload the payload bytes
     */
    typedef void (*AssignSentCallback)(uint32_t round, uint32_t client, const FedMoeBytes& payload);

    /**
     * \brief TracedCallback signature for an accepted UPDATE.
     * \param round the round
     * \param client the client
     * \param payload the payload bytes as received
     * \param update what it decodes to
     */
    typedef void (*UpdateCallback)(uint32_t round, uint32_t client, const FedMoeBytes& payload,
                                   const fedmoe::learning::TrainResult& update);

    /**
     * \brief TracedCallback signature for a dropped participant.
     * \param round the round
     * \param client the client
     */
    typedef void (*DroppedCallback)(uint32_t round, uint32_t client);

    /**
     * \brief TracedCallback signature for a rejected message.
     * \param round the round the header named
     * \param client the client the header named
     * \param reason why
     * \param detail what exactly
     */
    typedef void (*RejectedCallback)(uint32_t round, uint32_t client, FedMoeRejection reason,
                                     const std::string& detail);

    /**
     * \brief TracedCallback signature for a completed round.
     * \param record its record (rounds.csv row)
     */
    typedef void (*RoundCompletedCallback)(const FedMoeRoundRecord& record);

    /**
     * \brief TracedCallback signature for how a picked client fared in a round.
     * \param record its record (participants.csv row)
     */
    typedef void (*ParticipantCallback)(const FedMoeParticipantRecord& record);

    /**
     * \brief TracedCallback signature for the end of the run (what clients.csv
     *        and summary.json hold).
     * \param summaryJson the summary's fields (a JSON object)
     * \param clients one record per client
     * \param error why the run failed (empty: it did not)
     */
    typedef void (*RunEndedCallback)(const std::string& summaryJson,
                                     const std::vector<FedMoeClientRecord>& clients,
                                     const std::string& error);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    void HandleMessage(uint32_t link, const FedMoeMessage& message, Time transfer);
    void HandleRejected(uint32_t link, const FedMoeHeader& header, FedMoeRejection reason);
    void HandleBytes(uint32_t link, uint64_t bytes);
    void HandleClosed(uint32_t link);
    void HandleHello(uint32_t link, const FedMoeMessage& message);
    void HandleUpdate(uint32_t link, const FedMoeMessage& message, Time transfer);
    void AssignDelivered(uint32_t round, uint32_t client);
    void Reject(uint32_t round, uint32_t client, FedMoeRejection reason, const std::string& detail);
    void Forget(uint32_t link);

    bool RoundOpen() const;
    void StartFirstRound();
    void StartRound();
    void CloseRound();
    void Finish();
    void Fail(const std::string& error);
    std::string SummaryJson() const;

    // Attributes: the round's ...
    Ptr<FedMoeRoundOptions> m_roundOptions; //!< the coordinator's settings (copied at the start)
    Time m_deadline;                        //!< RoundDeadline (an event here, seconds there)
    // ... the protocol's ...
    Ptr<FedMoeAlignmentPolicy> m_policy;    //!< assignment policy
    Ptr<FedMoeAggregation> m_aggregation;   //!< merging (copied into m_settings at the start)
    Ptr<FedMoeServerTransport> m_transport; //!< how clients are reached
    uint32_t m_maxPayload;                  //!< framer limit
    uint16_t m_port;                        //!< listening port
    uint32_t m_maxClients;                  //!< ids 0..m_maxClients-1
    uint32_t m_expectedClients;             //!< start when this many said HELLO (0: wait)
    Time m_helloTimeout;                    //!< start anyway after this
    bool m_stopSimulation;                  //!< Simulator::Stop at the end
    // ... and the sinks' (read by FedMoeHelper when it connects them)
    std::string m_outDir;   //!< records ("" : none)
    bool m_progressEnabled; //!< progress lines on stderr

    // State
    FedMoeRoundSettings m_settings;              //!< RoundOptions + Aggregation + deadline
    Ptr<FedMoeTrainingExecutor> m_executor;      //!< training
    Ptr<UniformRandomVariable> m_participantRng; //!< participant draws
    Ptr<UniformRandomVariable> m_seedRng;        //!< job seeds
    FedMoeClientScoreboard m_scoreboard;         //!< what is known of the clients
    FedMoeLinkObserver m_observer{m_scoreboard}; //!< transfers, RTT, SNR -> scoreboard
    std::unique_ptr<FedMoeRoundCoordinator> m_coordinator; //!< the rounds
    std::map<uint32_t, uint32_t> m_links;                  //!< link -> client (after HELLO)
    std::map<uint32_t, uint32_t> m_clientLinks;            //!< client -> its link
    EventId m_startEvent;                                  //!< first round
    EventId m_deadlineEvent;                               //!< deadline of the open round
    bool m_started{false};                                 //!< first round started
    bool m_finished{false};                                //!< run over
    std::string m_error;                                   //!< why it failed
    std::string m_interruption;                            //!< why it was interrupted
    Time m_roundStart;                                     //!< of the open round
    uint64_t m_roundBytesDown{0};                          //!< this round
    uint64_t m_roundBytesUp{0};                            //!< this round
    uint64_t m_roundUnusedBytesUp{0};                      //!< this round, late or refused
    bool m_oracle{false};                                  //!< scheduler sees the truth
    double m_wallSerialisation{0};                         //!< wall s: decoding and framing
    uint64_t m_rejected{0};                                //!< messages rejected

    // Trace sources
    TracedCallback<uint32_t, uint32_t> m_roundStarted; //!< round, participants
    TracedCallback<uint32_t, const std::map<uint32_t, std::vector<uint32_t>>&>
        m_assignmentDecided;                                             //!< round, assignment
    TracedCallback<uint32_t, uint32_t, const FedMoeBytes&> m_assignSent; //!< ASSIGN queued
    TracedCallback<uint32_t, uint32_t, const FedMoeBytes&, const fedmoe::learning::TrainResult&>
        m_updateReceived;                               //!< accepted UPDATE
    TracedCallback<uint32_t, uint32_t> m_clientDropped; //!< straggler
    TracedCallback<uint32_t, uint32_t, FedMoeRejection, const std::string&>
        m_messageRejected;                                                //!< bad message
    TracedCallback<const FedMoeRoundRecord&> m_roundCompleted;            //!< round record
    TracedCallback<const FedMoeParticipantRecord&> m_participantRecorded; //!< participant row
    TracedCallback<const std::string&, const std::vector<FedMoeClientRecord>&, const std::string&>
        m_runEnded; //!< summary, clients, error
};

} // namespace ns3

#endif // FEDMOE_SERVER_APPLICATION_H
