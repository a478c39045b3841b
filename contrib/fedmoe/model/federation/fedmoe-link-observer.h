// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeLinkObserver: what the server learns of each client's link from the
 * protocol's own traffic. ASSIGN deliveries give downlink goodput, UPDATE
 * transfers uplink goodput, the transport's RTT samples the round-trip time,
 * and a connected radio (Wi-Fi SNR, LTE SINR) its channel quality; the
 * estimators smooth them and every change is copied into the scoreboard,
 * stamped with the simulated time, where the scheduler's input is built. The
 * time from an ASSIGN's delivery to its UPDATE's first byte, over the job's
 * FLOPs, gives the device's compute speed.
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

    /**
     * \brief Set the EMA weight of compute-speed samples.
     * \param smoothing in (0, 1]
     */
    void SetComputeSmoothing(double smoothing);

    /**
     * \brief An ASSIGN was queued now.
     * \param client its receiver
     * \param round its round
     * \param bytes its size on the wire
     * \param flops the FLOPs of its job as the server reckons them
     */
    void AssignQueued(uint32_t client, uint32_t round, uint64_t bytes, double flops);

    /**
     * \brief The ASSIGN of a round to a client was delivered now: a downlink
     *        goodput sample (queueing to delivery).
     * \param client its receiver
     * \param round its round (ignored unless it is the last one queued to the client)
     */
    void AssignDelivered(uint32_t client, uint32_t round);

    /**
     * \brief Bytes of an UPDATE from a client arrived now. While its ASSIGN is
     *        still on its way they share the link (a late UPDATE of an earlier
     *        round): that delivery and the job's compute time say how the two
     *        transfers shared the link, so neither is sampled.
     * \param client the sender
     */
    void UplinkBytes(uint32_t client);

    /**
     * \brief An UPDATE arrived, in time or not: an uplink goodput sample and,
     *        if its round's ASSIGN was delivered, a compute-speed sample.
     * \param client its sender
     * \param round the round it names
     * \param bytes its size on the wire
     * \param transfer first to last byte (not positive: no goodput sample)
     */
    void UpdateArrived(uint32_t client, uint32_t round, uint64_t bytes, Time transfer);

    /**
     * \brief A round-trip time sample of a client's connection.
     * \param client the client
     * \param rtt the sample
     */
    void RecordRtt(uint32_t client, Time rtt);

  private:
    /// The last ASSIGN sent to a client.
    struct InFlight
    {
        uint32_t round{0};     //!< its round
        Time queued;           //!< when it was queued
        uint64_t bytes{0};     //!< its size
        double flops{0};       //!< its job's FLOPs
        bool delivered{false}; //!< whether delivered yet
        Time deliveredAt;      //!< when
        bool shared{false};    //!< an UPDATE came in while it was on its way
    };

    /** \brief Copies an uplink estimate into the scoreboard. */
    void UplinkUpdated(uint32_t client, const FedMoeChannelEstimate& estimate);
    /** \brief Copies a downlink estimate into the scoreboard. */
    void DownlinkUpdated(uint32_t client, const FedMoeChannelEstimate& estimate);

    FedMoeClientScoreboard& m_scoreboard;   //!< where observations go
    Ptr<FedMoeChannelEstimator> m_uplink;   //!< UPDATE transfers, RTT, SNR
    Ptr<FedMoeChannelEstimator> m_downlink; //!< ASSIGN transfers
    std::map<uint32_t, InFlight> m_assigns; //!< last ASSIGN per client
    double m_computeSmoothing{0.3};         //!< EMA weight of compute samples
};

} // namespace ns3

#endif // FEDMOE_LINK_OBSERVER_H
