// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeChannelProbe: moves a payload from each client to the server over TCP
 * (ns-3's BulkSendApplication and PacketSink), times each transfer from the
 * application's start to the last byte at the sink, and feeds the goodput and
 * the transfer's minimum RTT into a FedMoeChannelEstimator.
 */

#ifndef FEDMOE_CHANNEL_PROBE_H
#define FEDMOE_CHANNEL_PROBE_H

#include "fedmoe-channel-estimator.h"

#include "ns3/address.h"
#include "ns3/application-container.h"
#include "ns3/ipv4-address.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-device
 * \brief Uplink TCP transfers client -> server that measure the channel.
 *
 * Client i sends Transfers payloads of PayloadBytes one after another to a
 * PacketSink on port BasePort + i; peer id i in the estimator. All clients
 * start together (they share the medium, as in a round's upload), or, with
 * Sequential, one after another (each measures its own link alone). The RTT
 * sample of a transfer is its smallest TCP RTT sample (propagation and
 * serialisation without the queueing the transfer itself builds up).
 */
class FedMoeChannelProbe : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeChannelProbe();
    ~FedMoeChannelProbe() override;

    /**
     * \brief Install the sinks and the first transfers.
     * \param server the server node (sinks)
     * \param clients the sending nodes
     * \param serverAddresses server address as seen by each client (same order)
     * \param estimator receives the samples (may be null)
     * \param start when the first transfers start
     */
    void Install(Ptr<Node> server, NodeContainer clients, std::vector<Ipv4Address> serverAddresses,
                 Ptr<FedMoeChannelEstimator> estimator, Time start);

    /** \brief Transfers completed by client i. \param i client \return count */
    uint32_t GetCompleted(uint32_t i) const;
    /** \brief Durations of client i's completed transfers. \param i client \return them */
    std::vector<Time> GetDurations(uint32_t i) const;
    /** \brief Smallest RTT sample seen for client i (0 if none). \param i client \return it */
    Time GetMinRtt(uint32_t i) const;
    /** \brief Whether every transfer of every client completed. \return true if so */
    bool AllComplete() const;

    /**
     * \brief TracedCallback signature for a completed transfer.
     * \param client client index
     * \param bytes payload bytes
     * \param duration start to last byte
     */
    typedef void (*TransferCallback)(uint32_t client, uint64_t bytes, Time duration);

  protected:
    void DoDispose() override;

  private:
    /// Per-client progress.
    struct Client
    {
        Ptr<Node> node;              //!< sender
        Ipv4Address server;          //!< destination
        uint64_t received = 0;       //!< bytes at the sink, all transfers
        uint32_t completed = 0;      //!< transfers done
        Time started;                //!< start of the current transfer
        Time minRtt;                 //!< smallest RTT of the current transfer
        Time overallMinRtt;          //!< smallest RTT of all transfers
        std::vector<Time> durations; //!< completed transfers
    };

    void StartTransfer(uint32_t i);
    void WatchRtt(uint32_t i, Ptr<Application> app);
    static void SinkRx(FedMoeChannelProbe* probe, uint32_t i, Ptr<const Packet> p,
                       const Address& from);
    static void RttSample(FedMoeChannelProbe* probe, uint32_t i, Time oldRtt, Time newRtt);

    uint64_t m_payloadBytes;                                 //!< per transfer
    uint32_t m_transfers;                                    //!< per client
    uint16_t m_basePort;                                     //!< sink port of client 0
    bool m_sequential;                                       //!< clients one after another
    std::vector<Client> m_clients;                           //!< progress
    Ptr<FedMoeChannelEstimator> m_estimator;                 //!< sample sink
    TracedCallback<uint32_t, uint64_t, Time> m_transferDone; //!< per transfer
};

} // namespace ns3

#endif // FEDMOE_CHANNEL_PROBE_H
