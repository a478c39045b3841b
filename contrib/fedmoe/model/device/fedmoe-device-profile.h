// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeDeviceProfile: what an edge device can do (compute, memory, network,
 * availability), aggregated to its ns3::Node. The scheduler reads it as the
 * client's self-reported capacity; the compute model and the point-to-point
 * topology derive simulated behaviour from it.
 */

#ifndef FEDMOE_DEVICE_PROFILE_H
#define FEDMOE_DEVICE_PROFILE_H

#include "fedmoe/scheduling/capacity-estimator.h"

#include "ns3/data-rate.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup fedmoe-device
 * \brief Capacity profile of one edge device; aggregate it to the device's Node.
 *
 * Every Attribute is validated in its setter: a value that is negative, zero
 * (where zero is meaningless), NaN, infinite or out of range throws
 * std::invalid_argument naming the attribute, the value and what is allowed.
 */
class FedMoeDeviceProfile : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /** \brief Default profile: the catalog's "raspberry-pi-4" figures. */
    FedMoeDeviceProfile();
    ~FedMoeDeviceProfile() override;

    /** \brief Set the sustained fp32 compute throughput. \param gflops GFLOP/s, > 0 */
    void SetComputeGflops(double gflops);
    /** \brief Sustained fp32 compute throughput. \return GFLOP/s */
    double GetComputeGflops() const;

    /** \brief Set the number of CPU cores. \param cores >= 1 */
    void SetCores(uint32_t cores);
    /** \brief Number of CPU cores. \return cores */
    uint32_t GetCores() const;

    /** \brief Set the memory available for training. \param mb megabytes, > 0 */
    void SetMemoryMb(double mb);
    /** \brief Memory available for training. \return megabytes */
    double GetMemoryMb() const;

    /** \brief Set the nominal uplink rate (device -> server). \param rate > 0 bit/s */
    void SetUplinkRate(DataRate rate);
    /** \brief Nominal uplink rate. \return the rate */
    DataRate GetUplinkRate() const;

    /** \brief Set the nominal downlink rate (server -> device). \param rate > 0 bit/s */
    void SetDownlinkRate(DataRate rate);
    /** \brief Nominal downlink rate. \return the rate */
    DataRate GetDownlinkRate() const;

    /** \brief Set the nominal one-way access latency. \param latency > 0 */
    void SetLatency(Time latency);
    /** \brief Nominal one-way access latency. \return the latency */
    Time GetLatency() const;

    /** \brief Set the probability the device joins a round. \param p in [0, 1] */
    void SetAvailability(double p);
    /** \brief Probability the device joins a round. \return p in [0, 1] */
    double GetAvailability() const;

    /** \brief Set the packet error rate of its access link. \param p in [0, 1) */
    void SetPacketErrorRate(double p);
    /** \brief Packet error rate of its access link. \return p in [0, 1) */
    double GetPacketErrorRate() const;

    /** \brief Set the tier name (catalog key or free text). \param tier non-empty */
    void SetTier(std::string tier);
    /** \brief Tier name. \return the tier */
    std::string GetTier() const;

    /**
     * \brief The profile in the one shape the server and the scheduler use
     *        (what a HELLO carries and clients.csv shows).
     * \return compute, cores, memory, nominal rates, latency and availability
     */
    fedmoe::scheduling::CapacityProfile GetCapacity() const;

    /**
     * \brief One-line human-readable summary.
     * \return e.g. "raspberry-pi-4: 12 GFLOP/s, 4 cores, 3500 MB, up 20 Mb/s, ..."
     */
    std::string ToString() const;

    /**
     * \brief TracedCallback signature for a changed attribute.
     * \param name the attribute name
     * \param value the new value, as text
     */
    typedef void (*ChangedCallback)(const std::string& name, const std::string& value);

  private:
    double m_computeGflops;   //!< sustained fp32 GFLOP/s
    uint32_t m_cores;         //!< CPU cores
    double m_memoryMb;        //!< memory for training, MB
    DataRate m_uplinkRate;    //!< nominal device -> server rate
    DataRate m_downlinkRate;  //!< nominal server -> device rate
    Time m_latency;           //!< nominal one-way latency
    double m_availability;    //!< probability of joining a round
    double m_packetErrorRate; //!< access-link packet error rate
    std::string m_tier;       //!< tier name

    /// Fires after a validated change of any attribute.
    TracedCallback<const std::string&, const std::string&> m_changedTrace;
};

} // namespace ns3

#endif // FEDMOE_DEVICE_PROFILE_H
