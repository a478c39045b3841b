// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientApplication: an edge device taking part in federated MoE
 * training: says HELLO with its profile, receives ASSIGNs, gets the training
 * result of exactly the job it received, holds it back for the compute time
 * its FedMoeComputeModel gives, and uploads the UPDATE.
 */

#ifndef FEDMOE_CLIENT_APPLICATION_H
#define FEDMOE_CLIENT_APPLICATION_H

#include "fedmoe-client-transport.h"
#include "fedmoe-job-messages.h"
#include "fedmoe-payload.h"
#include "fedmoe-training-executor.h"

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/fedmoe-compute-model.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The client side of a federated round.
 *
 * On start it connects to Remote:Port through its Transport (TCP unless
 * told otherwise; retrying every RetryInterval until the server answers) and
 * sends HELLO with the FedMoeDeviceProfile aggregated to its node. Each
 * ASSIGN is read through a FedMoeMessageFramer (bad bytes are rejected and
 * traced, never trusted). Per ASSIGN the client
 * is offline with probability 1 - availability (the profile's, drawn from an
 * ns-3 stream: reproducible per seed) and then ignores it. Otherwise it asks
 * the FedMoeTrainingExecutor for the result of the job the ASSIGN describes,
 * waits the FedMoeComputeModel's time for the FLOPs done and sends the UPDATE.
 * A new ASSIGN abandons the previous round's work if it is still computing.
 * Stopping the application closes the connection (the device leaves); a
 * connection that breaks (TCP gives up) is re-established and HELLO sent again.
 */
class FedMoeClientApplication : public Application
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeClientApplication();
    ~FedMoeClientApplication() override;

    /**
     * \brief Set the training executor the results come from.
     * \param executor the executor (shared by all clients of a run)
     */
    void SetExecutor(Ptr<FedMoeTrainingExecutor> executor);

    /**
     * \brief Set the client's training data.
     * \param shard training-set indices
     */
    void SetShard(std::vector<int64_t> shard);

    /** \return the shard */
    const std::vector<int64_t>& GetShard() const;

    /** \return the client id */
    uint32_t GetClientId() const;

    /** \return the profile the client reports (its node's, or a default one) */
    Ptr<FedMoeDeviceProfile> GetProfile() const;

    /** \return the transport (null before the application starts, unless set) */
    Ptr<FedMoeClientTransport> GetTransport() const;

    /** \return UPDATEs sent */
    uint32_t GetUpdatesSent() const;
    /** \return wall-clock seconds spent decoding ASSIGNs and encoding UPDATEs */
    double GetSerialisationWallSeconds() const;
    /** \return rounds skipped because the device was offline */
    uint32_t GetRoundsOffline() const;
    /** \return messages rejected */
    uint32_t GetRejectedCount() const;
    /** \return reconnections after a broken connection */
    uint32_t GetReconnectCount() const;

    /**
     * \brief Fix the random streams used (availability, compute occupancy).
     * \param stream first stream index
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * \brief TracedCallback signature for a message received or sent.
     * \param round the round
     * \param client the client id
     * \param payload the message payload bytes
     */
    typedef void (*MessageCallback)(uint32_t round, uint32_t client, const FedMoeBytes& payload);

    /**
     * \brief TracedCallback signature for a round event of a client.
     * \param round the round
     * \param client the client id
     */
    typedef void (*RoundCallback)(uint32_t round, uint32_t client);

    /**
     * \brief TracedCallback signature for a rejected message.
     * \param round the round the header named
     * \param client the client id
     * \param reason why
     * \param detail what exactly
     */
    typedef void (*RejectedCallback)(uint32_t round, uint32_t client, FedMoeRejection reason,
                                     const std::string& detail);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// Connects through the transport.
    void Connect();
    /// Connection established: send HELLO.
    void ConnectionSucceeded();
    /// Connection refused or timed out: retry later.
    void ConnectionFailed();
    /// The server closed the connection (the run is over).
    void PeerClosed();
    /// The connection broke (e.g. TCP gave up retransmitting): reconnect and say HELLO again.
    void ConnectionLost();
    /// A well-formed message arrived.
    void HandleMessage(const FedMoeMessage& message);
    /// The transport's framer rejected a message.
    void HandleRejected(const FedMoeHeader& header, FedMoeRejection reason, bool broken);
    /// A complete ASSIGN.
    void HandleAssign(const FedMoeMessage& message);
    /// Sends the UPDATE once the compute time has passed.
    void SendUpdate(uint32_t round, FedMoeBytes payload, int64_t wireDelta, Time computeTime);
    /// Traces and counts a rejection.
    void Reject(uint32_t round, FedMoeRejection reason, const std::string& detail);
    /**
     * \brief Cancels pending work and lets go of the connection.
     * \param orderly close the connection (FIN); false: send nothing (disposal,
     *        when the node's devices may be gone)
     */
    void Close(bool orderly = true);

    uint32_t m_clientId;                          //!< client id
    Address m_remote;                             //!< server address
    uint16_t m_port;                              //!< server port
    uint32_t m_maxPayload;                        //!< framer limit
    Time m_retryInterval;                         //!< between connection attempts
    bool m_useAvailability;                       //!< draw offline rounds
    bool m_giveUpPastDeadline;                    //!< skip an upload that cannot make it
    Ptr<FedMoeComputeModel> m_computeModel;       //!< FLOPs -> time
    Ptr<UniformRandomVariable> m_availabilityRng; //!< offline draws
    Ptr<FedMoeTrainingExecutor> m_executor;       //!< training results
    Ptr<FedMoeDeviceProfile> m_profile;           //!< reported profile
    std::vector<int64_t> m_shard;                 //!< training data
    Ptr<FedMoeClientTransport> m_transport;       //!< connection to the server
    bool m_connected{false};                      //!< connection established
    EventId m_retryEvent;                         //!< next connection attempt
    EventId m_updateEvent;                        //!< pending UPDATE
    uint32_t m_lastRound{0};                      //!< last round an ASSIGN was read for
    uint32_t m_updatesSent{0};                    //!< UPDATEs sent
    double m_wallSerialisation{0};                //!< wall s: codec and framing
    uint32_t m_roundsOffline{0};                  //!< rounds offline
    uint32_t m_rejected{0};                       //!< messages rejected
    uint32_t m_reconnects{0};                     //!< reconnections
    uint64_t m_expertWireBytes{0};                //!< declared expert size (0: real)
    uint64_t m_gateWireBytes{0};                  //!< declared gate size (0: real)

    TracedCallback<uint32_t, uint32_t, const FedMoeBytes&> m_assignReceived; //!< ASSIGN read
    TracedCallback<uint32_t, uint32_t, const FedMoeBytes&> m_updateSent;     //!< UPDATE queued
    TracedCallback<uint32_t, uint32_t> m_offline;        //!< round skipped (offline)
    TracedCallback<uint32_t, uint32_t> m_deadlineMissed; //!< round given up (deadline)
    TracedCallback<uint32_t, uint32_t, FedMoeRejection, const std::string&>
        m_messageRejected; //!< bad message
};

} // namespace ns3

#endif // FEDMOE_CLIENT_APPLICATION_H
