// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeChannelEstimator: per-peer exponentially weighted moving averages of the
 * goodput and RTT observed on completed transfers, and of the radio's
 * SNR when a PHY is connected (a Wi-Fi PHY's SNR, an LTE UE's reported SINR).
 * Input of the channel-aware scheduler.
 */

#ifndef FEDMOE_CHANNEL_ESTIMATOR_H
#define FEDMOE_CHANNEL_ESTIMATOR_H

#include "ns3/mac48-address.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>

namespace ns3
{

class LteUePhy;
class WifiPhy;

/**
 * \ingroup fedmoe-device
 * \brief What is known of the channel to one peer.
 *
 * A field whose sample count is 0 has no estimate yet (its value is 0).
 */
struct FedMoeChannelEstimate
{
    double goodputBps = 0.0;      //!< EWMA of application bytes x 8 / transfer duration
    Time rtt;                     //!< EWMA of round-trip time samples
    double snrDb = 0.0;           //!< EWMA of PHY SNR (LTE: reported SINR), dB
    uint32_t transferSamples = 0; //!< transfers recorded
    uint32_t rttSamples = 0;      //!< RTT samples recorded
    uint32_t snrSamples = 0;      //!< SNR samples recorded
};

/**
 * \ingroup fedmoe-device
 * \brief Per-peer EWMA: estimate = Smoothing x sample + (1 - Smoothing) x estimate;
 *        the first sample of a quantity sets it.
 *
 * Peers are identified by a number the caller chooses (client id or node id).
 */
class FedMoeChannelEstimator : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeChannelEstimator();
    ~FedMoeChannelEstimator() override;

    /** \brief Set the EWMA weight of a new sample. \param alpha in (0, 1] */
    void SetSmoothing(double alpha);
    /** \brief The EWMA weight of a new sample. \return alpha in (0, 1] */
    double GetSmoothing() const;

    /**
     * \brief Record a completed transfer.
     * \param peer peer id
     * \param bytes application bytes moved, > 0
     * \param duration time from start to last byte, > 0
     */
    void RecordTransfer(uint32_t peer, uint64_t bytes, Time duration);

    /**
     * \brief Record a round-trip time sample.
     * \param peer peer id
     * \param rtt the sample, > 0
     */
    void RecordRtt(uint32_t peer, Time rtt);

    /**
     * \brief Record an SNR sample.
     * \param peer peer id
     * \param snrDb SNR in dB (finite)
     */
    void RecordSnr(uint32_t peer, double snrDb);

    /**
     * \brief Record the SNR (MonitorSnifferRx's signal - noise) of the frames a
     *        Wi-Fi PHY receives from one transmitter as the SNR of the link to peer.
     *
     * Typically a station's PHY and the AP's address: the downlink SNR stands
     * for the link (same path loss both ways). Frames from other transmitters,
     * which a PHY also hears, are ignored.
     * \param peer peer id
     * \param phy the receiving PHY
     * \param transmitter MAC address whose frames count
     */
    void ConnectWifiPhy(uint32_t peer, Ptr<WifiPhy> phy, Mac48Address transmitter);

    /**
     * \brief Record the SINR an LTE UE reports for its serving cell
     *        (LteUePhy's ReportCurrentCellRsrpSinr, every RsrpSinrSamplePeriod,
     *        the figure its CQI is computed from) as the SNR of the link to peer:
     *        the cellular counterpart of ConnectWifiPhy.
     * \param peer peer id
     * \param phy the UE's PHY
     */
    void ConnectLteUePhy(uint32_t peer, Ptr<LteUePhy> phy);

    /**
     * \brief The estimate for a peer.
     * \param peer peer id
     * \return the estimate (all zero if nothing was recorded)
     */
    FedMoeChannelEstimate GetEstimate(uint32_t peer) const;

    /**
     * \brief Whether anything was recorded for a peer.
     * \param peer peer id
     * \return true if known
     */
    bool HasPeer(uint32_t peer) const;

    /**
     * \brief Forget everything.
     */
    void Clear();

    /**
     * \brief TracedCallback signature for an updated estimate.
     * \param peer peer id
     * \param estimate the new estimate
     */
    typedef void (*UpdatedCallback)(uint32_t peer, const FedMoeChannelEstimate& estimate);

  private:
    /// EWMA step; the first sample (count 0) initialises.
    double Smooth(double estimate, double sample, uint32_t count) const;

    double m_smoothing;                                //!< EWMA weight of a new sample
    std::map<uint32_t, FedMoeChannelEstimate> m_peers; //!< estimates per peer
    TracedCallback<uint32_t, const FedMoeChannelEstimate&> m_updated; //!< fires per sample
};

} // namespace ns3

#endif // FEDMOE_CHANNEL_ESTIMATOR_H
