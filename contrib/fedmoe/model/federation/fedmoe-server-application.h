/*
 * FedMoeServerApplication: the edge server of federated MoE training. Runs
 * rounds over TCP: picks participants, asks the alignment policy which experts
 * each trains, sends the ASSIGNs, gathers the UPDATEs until all arrive or the
 * deadline passes, aggregates per expert, updates fitness, usage and channel
 * estimates, evaluates, records.
 */

#ifndef FEDMOE_SERVER_APPLICATION_H
#define FEDMOE_SERVER_APPLICATION_H

#include "fedmoe-alignment-policy.h"
#include "fedmoe-message-framer.h"
#include "fedmoe-payload.h"
#include "fedmoe-progress.h"
#include "fedmoe-recorder.h"
#include "fedmoe-stream-writer.h"
#include "fedmoe-training-executor.h"

#include "ns3/application.h"
#include "ns3/capacity-estimator.h"
#include "ns3/channel-estimator.h"
#include "ns3/event-id.h"
#include "ns3/expert-usage-tracker.h"
#include "ns3/federated-moe.h"
#include "ns3/fitness-tracker.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe
 * \brief The server side of federated MoE training (see DESIGN.md, "One round").
 *
 * Clients connect over TCP to Port and say HELLO with their profile. The
 * first round starts when ExpectedClients have said HELLO, or HelloTimeout
 * after the start with whoever has. Each round:
 *
 * 1. participants: a Participation share of the connected clients
 *    (ParticipationSelector, seeded from an ns-3 stream);
 * 2. assignment: the Policy's answer for their profiles (from HELLO), the
 *    observed channel (goodput of past transfers, RTT, completion ratio),
 *    fitness and usage scores, the model's costs and the RoundDeadline;
 * 3. ASSIGNs (gate + assigned experts as codec bytes) are encoded, the jobs
 *    submitted to the FedMoeTrainingExecutor, the messages sent;
 * 4. UPDATEs are collected until every participant's has arrived or the
 *    deadline passes; stragglers are dropped (ClientDropped). An UPDATE for
 *    another round, from a client or for an expert not assigned, or with bad
 *    bytes is rejected (MessageRejected), counted and never used;
 * 5. the updates are aggregated (FederatedMoe::Aggregate; an update it refuses
 *    is rejected), fitness and usage updated, the channel estimates fed,
 *    the model evaluated every EvaluationInterval rounds (and in the last),
 *    the round recorded (rounds.csv, assignments.csv) and traced.
 *
 * After Rounds rounds (or at TargetAccuracy with StopAtTarget) it writes
 * clients.csv and summary.json, closes the connections and stops the
 * simulation. An error (a policy or the model refusing its input, the output
 * directory not writable) ends the run with summary.json saying why.
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

    /** \return the executor */
    Ptr<FedMoeTrainingExecutor> GetExecutor() const;

    /**
     * \brief Tell the records how far a client is from the AP.
     * \param client client id
     * \param metres distance
     */
    void SetClientDistance(uint32_t client, double metres);

    /** \return the estimator fed with uplink transfers (UPDATEs), RTT and, when connected, SNR */
    Ptr<ChannelEstimator> GetUplinkEstimator() const;
    /** \return the estimator fed with downlink transfers (ASSIGNs) */
    Ptr<ChannelEstimator> GetDownlinkEstimator() const;

    /** \return the rounds completed */
    uint32_t GetRoundsCompleted() const;
    /** \return the record of every completed round */
    const std::vector<FedMoeRoundRecord>& GetRoundRecords() const;
    /** \return messages rejected so far */
    uint64_t GetRejectedCount() const;
    /** \return participants dropped so far (all rounds) */
    uint64_t GetDroppedCount() const;
    /** \return true once the run has ended (successfully or not) */
    bool IsFinished() const;
    /** \return the error that ended the run (empty if none) */
    const std::string& GetError() const;
    /** \return the test accuracy of the last evaluation (NaN if none) */
    double GetFinalAccuracy() const;
    /** \return rounds until TargetAccuracy was first reached (0: not reached) */
    uint32_t GetRoundsToTarget() const;
    /** \return simulated time when TargetAccuracy was first reached (negative: not reached) */
    Time GetTimeToTarget() const;
    /** \return total application bytes server -> clients */
    uint64_t GetBytesDown() const;
    /** \return total application bytes clients -> server */
    uint64_t GetBytesUp() const;
    /** \return wall-clock seconds spent encoding ASSIGNs and decoding UPDATEs */
    double GetSerialisationWallSeconds() const;
    /** \return wall-clock seconds spent merging updates */
    double GetAggregationWallSeconds() const;
    /** \return wall-clock seconds spent evaluating the global model */
    double GetEvaluationWallSeconds() const;
    /** \return one record per client that said HELLO */
    std::vector<FedMoeClientRecord> GetClientRecords() const;
    /** \return the policy in use */
    Ptr<FedMoeAlignmentPolicy> GetPolicy() const;

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

  protected:
    void DoDispose() override;

  private:
    /// One TCP connection.
    struct Connection
    {
        Ptr<Socket> socket;                          //!< the socket
        std::unique_ptr<FedMoeMessageFramer> framer; //!< stream -> messages
        std::unique_ptr<FedMoeStreamWriter> writer;  //!< messages -> stream
        uint32_t client{UINT32_MAX};                 //!< id from HELLO
        bool hello{false};                           //!< HELLO received
        Time messageStart;                           //!< first byte of the message being read
        Time minRtt;                                 //!< smallest RTT sample since the last round
    };

    /// What the server knows of a client.
    struct ClientState
    {
        bool connected{false};                       //!< a live connection said HELLO
        Socket* socket{nullptr};                     //!< that connection
        std::string tier;                            //!< from HELLO
        fedmoe::scheduling::CapacityProfile profile; //!< from HELLO
        double completionRatio{1.0};                 //!< observed / predicted round time
        uint32_t roundsAssigned{0};                  //!< rounds given work
        uint32_t roundsDropped{0};                   //!< rounds dropped
    };

    /// A participant of the open round.
    struct Pending
    {
        std::vector<uint32_t> experts; //!< assigned
        double predictedS{0};          //!< predicted round time
        Time assignQueued;             //!< when its ASSIGN was queued
        uint64_t assignBytes{0};       //!< its ASSIGN's size
        bool received{false};          //!< its UPDATE was accepted
        Time arrived;                  //!< when
    };

    /** \param value the FitnessSmoothing attribute (validated when the application starts) */
    void SetFitnessSmoothing(double value);
    /** \return the FitnessSmoothing attribute */
    double GetFitnessSmoothing() const;
    /** \param value the FitnessDecay attribute (validated when the application starts) */
    void SetFitnessDecay(double value);
    /** \return the FitnessDecay attribute */
    double GetFitnessDecay() const;
    /** \param value the FitnessLossWeight attribute (validated when the application starts) */
    void SetFitnessLossWeight(double value);
    /** \return the FitnessLossWeight attribute */
    double GetFitnessLossWeight() const;
    /** \param value the UsageDecay attribute (validated when the application starts) */
    void SetUsageDecay(double value);
    /** \return the UsageDecay attribute */
    double GetUsageDecay() const;

    void StartApplication() override;
    void StopApplication() override;

    bool AcceptRequest(Ptr<Socket> socket, const Address& from);
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    void HandleRead(Ptr<Socket> socket);
    void HandlePeerClose(Ptr<Socket> socket);
    void RttSample(Socket* socket, Time oldRtt, Time newRtt);
    void AssignDrained(uint32_t round, uint32_t client, Socket* socket);

    void HandleHello(Connection& conn, const FedMoeMessage& message);
    void HandleUpdate(Connection& conn, const FedMoeMessage& message);
    void Reject(uint32_t round, uint32_t client, FedMoeRejection reason, const std::string& detail);
    void Forget(Socket* socket);

    void StartFirstRound();
    void StartRound();
    void CloseRound();
    void Aggregate(std::vector<fedmoe::learning::TrainResult>& updates);
    void Finish();
    void Fail(const std::string& error);
    std::string SummaryJson() const;
    fedmoe::scheduling::ModelCost ModelCostOf() const;
    fedmoe::scheduling::ChannelObservation ObservationOf(uint32_t client) const;
    double SamplesPerRound() const;

    // Attributes
    uint32_t m_rounds;                   //!< rounds to run
    Ptr<FedMoeAlignmentPolicy> m_policy; //!< assignment policy
    Time m_deadline;                     //!< round deadline
    double m_participation;              //!< share of clients per round
    uint32_t m_minParticipants;          //!< at least this many
    uint32_t m_localSteps;               //!< local steps per round
    uint32_t m_evaluationInterval;       //!< rounds between evaluations
    double m_targetAccuracy;             //!< 0: none
    bool m_stopAtTarget;                 //!< stop when reached
    std::string m_outDir;                //!< records ("" : none)
    uint32_t m_maxPayload;               //!< framer limit
    std::string m_aggregationGate;       //!< "all" | "assigned"
    std::string m_aggregationRule;       //!< "mean" | "median" | "trimmed-mean"
    double m_trimFraction;               //!< trimmed-mean share
    uint32_t m_maxExpertsPerClient;      //!< cap (0: memory only)
    uint32_t m_minTrainersPerExpert;     //!< constraint
    uint32_t m_maxTrainersPerExpert;     //!< constraint (0: none)
    fedmoe::scheduling::FitnessParameters m_fitnessParameters; //!< fitness EMA
    fedmoe::scheduling::UsageParameters m_usageParameters;     //!< usage EMA
    double m_completionSmoothing;                              //!< completion-ratio EMA weight
    uint16_t m_port;                                           //!< listening port
    uint32_t m_expectedClients; //!< start when this many said HELLO (0: wait)
    Time m_helloTimeout;        //!< start anyway after this
    bool m_progressEnabled;     //!< progress lines on stderr
    bool m_stopSimulation;      //!< Simulator::Stop at the end

    // State
    Ptr<FedMoeTrainingExecutor> m_executor;                        //!< training
    std::shared_ptr<fedmoe::learning::FederatedMoe> m_model;       //!< global model
    Ptr<ChannelEstimator> m_uplink;                                //!< UPDATE transfers, RTT, SNR
    Ptr<ChannelEstimator> m_downlink;                              //!< ASSIGN transfers
    Ptr<UniformRandomVariable> m_participantRng;                   //!< participant draws
    Ptr<UniformRandomVariable> m_seedRng;                          //!< job seeds
    Ptr<Socket> m_listener;                                        //!< listening socket
    std::map<Socket*, Connection> m_connections;                   //!< open connections
    std::vector<Ptr<Socket>> m_closed;                             //!< closed, kept until disposal
    std::map<uint32_t, ClientState> m_clients;                     //!< by id
    std::map<uint32_t, double> m_distances;                        //!< by id (records)
    std::unique_ptr<fedmoe::scheduling::FitnessTracker> m_fitness; //!< client-expert fitness
    std::unique_ptr<fedmoe::scheduling::ExpertUsageTracker> m_usage; //!< expert usage
    std::unique_ptr<FedMoeRecorder> m_recorder;                      //!< result files
    std::unique_ptr<FedMoeProgress> m_progress;                      //!< stderr lines
    EventId m_startEvent;                                            //!< first round
    EventId m_deadlineEvent;                                         //!< deadline of the open round
    uint32_t m_round{0};                                             //!< current round
    bool m_roundOpen{false};                                         //!< gathering UPDATEs
    bool m_started{false};                                           //!< first round started
    bool m_finished{false};                                          //!< run over
    std::string m_error;                                             //!< why it failed
    Time m_roundStart;                                               //!< of the open round
    std::map<uint32_t, Pending> m_pending;                //!< participants of the open round
    std::vector<fedmoe::learning::TrainResult> m_updates; //!< accepted this round
    uint64_t m_roundBytesDown{0};                         //!< this round
    uint64_t m_roundBytesUp{0};                           //!< this round
    uint64_t m_bytesDown{0};                              //!< total
    uint64_t m_bytesUp{0};                                //!< total
    double m_wallSerialisation{0};                        //!< wall s: codec and framing
    double m_wallAggregation{0};                          //!< wall s: Aggregate()
    double m_wallEvaluation{0};                           //!< wall s: Evaluate()
    uint64_t m_rejected{0};                               //!< messages rejected
    uint64_t m_dropped{0};                                //!< participants dropped
    std::vector<FedMoeRoundRecord> m_records;             //!< per round
    double m_finalAccuracy;                               //!< last evaluation
    uint32_t m_roundsToTarget{0};                         //!< 0: not reached
    Time m_timeToTarget{Seconds(-1)};                     //!< negative: not reached

    // Trace sources
    TracedCallback<uint32_t, uint32_t> m_roundStarted; //!< round, participants
    TracedCallback<uint32_t, const std::map<uint32_t, std::vector<uint32_t>>&>
        m_assignmentDecided;                                             //!< round, assignment
    TracedCallback<uint32_t, uint32_t, const FedMoeBytes&> m_assignSent; //!< ASSIGN queued
    TracedCallback<uint32_t, uint32_t, const FedMoeBytes&, const fedmoe::learning::TrainResult&>
        m_updateReceived;                               //!< accepted UPDATE
    TracedCallback<uint32_t, uint32_t> m_clientDropped; //!< straggler
    TracedCallback<uint32_t, uint32_t, FedMoeRejection, const std::string&>
        m_messageRejected;                                     //!< bad message
    TracedCallback<const FedMoeRoundRecord&> m_roundCompleted; //!< round record
};

} // namespace ns3

#endif // FEDMOE_SERVER_APPLICATION_H
