// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeLinkObserver: what the server learns of each client's link from the
 * protocol's own traffic. ASSIGN deliveries give downlink goodput, UPDATE
 * transfers uplink goodput, the transport's RTT samples the round-trip time,
 * and a connected radio (Wi-Fi SNR, LTE SINR) its channel quality; the
 * estimators smooth them and every change is copied into the scoreboard,
 * stamped with the simulated time, where the scheduler's input is built.
 */

#ifndef FEDMOE_LINK_OBSERVER_H
#define FEDMOE_LINK_OBSERVER_H

#include "fedmoe-client-scoreboard.h"

#include "ns3/fedmoe-channel-estimator.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <map>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief Turns protocol events into link observations in a scoreboard.
 *
 * One uplink and one downlink FedMoeChannelEstimator per server. The
 * scoreboard must outlive the observer, and the observer is not copyable:
 * the estimators' Updated trace sources call back into it (its destructor
 * disconnects them).
 */
class FedMoeLinkObserver
{
  public:
    /**
     * \param scoreboard where the observations go (must outlive the observer)
     */
    explicit FedMoeLinkObserver(FedMoeClientScoreboard& scoreboard);
    ~FedMoeLinkObserver();

    FedMoeLinkObserver(const FedMoeLinkObserver&) = delete;
    FedMoeLinkObserver& operator=(const FedMoeLinkObserver&) = delete;

    /** \return the uplink estimator (radios connect to it: Wi-Fi SNR, LTE SINR) */
    Ptr<FedMoeChannelEstimator> GetUplinkEstimator() const;

    /** \brief Forget the ASSIGNs of the last round (a new round starts). */
    void StartRound();

    /**
     * \brief An ASSIGN was queued now.
     * \param client its receiver
     * \param bytes its size on the wire
     */
    void AssignQueued(uint32_t client, uint64_t bytes);

    /**
     * \brief The ASSIGN of this round to a client was delivered now: a
     *        downlink goodput sample (queueing to delivery).
     * \param client its receiver (ignored if no ASSIGN to it is in flight)
     */
    void AssignDelivered(uint32_t client);

    /**
     * \brief An UPDATE arrived: an uplink goodput sample.
     * \param client its sender
     * \param bytes its size on the wire
     * \param transfer first to last byte (not positive: no sample)
     */
    void UpdateArrived(uint32_t client, uint64_t bytes, Time transfer);

    /**
     * \brief A round-trip time sample of a client's connection.
     * \param client the client
     * \param rtt the sample
     */
    void RecordRtt(uint32_t client, Time rtt);

  private:
    /// An ASSIGN of the open round on its way.
    struct InFlight
    {
        Time queued;       //!< when it was queued
        uint64_t bytes{0}; //!< its size
    };

    /** \brief Copies an uplink estimate into the scoreboard. */
    void UplinkUpdated(uint32_t client, const FedMoeChannelEstimate& estimate);
    /** \brief Copies a downlink estimate into the scoreboard. */
    void DownlinkUpdated(uint32_t client, const FedMoeChannelEstimate& estimate);

    FedMoeClientScoreboard& m_scoreboard;   //!< where observations go
    Ptr<FedMoeChannelEstimator> m_uplink;   //!< UPDATE transfers, RTT, SNR
    Ptr<FedMoeChannelEstimator> m_downlink; //!< ASSIGN transfers
    std::map<uint32_t, InFlight> m_assigns; //!< ASSIGNs of the open round
};

} // namespace ns3

#endif // FEDMOE_LINK_OBSERVER_H
