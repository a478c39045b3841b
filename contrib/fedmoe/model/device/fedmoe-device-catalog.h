// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeDeviceCatalog: named tiers of edge devices with documented nominal figures
 * (compute, cores, memory, link rates, latency, availability).
 */

#ifndef FEDMOE_DEVICE_CATALOG_H
#define FEDMOE_DEVICE_CATALOG_H

#include "fedmoe-device-profile.h"

#include "ns3/ptr.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-device
 * \brief Nominal figures of one device tier (see device-catalog.cc for sources).
 */
struct FedMoeDeviceTier
{
    std::string name;        //!< catalog key, e.g. "raspberry-pi-4"
    std::string description; //!< hardware it stands for
    double computeGflops;    //!< sustained fp32 GFLOP/s for training-like work
    uint32_t cores;          //!< CPU cores
    double memoryMb;         //!< memory available for training, MB
    DataRate uplinkRate;     //!< typical device -> server goodput-level rate
    DataRate downlinkRate;   //!< typical server -> device rate
    Time latency;            //!< typical one-way access latency
    double availability;     //!< probability of joining a round
};

/**
 * \ingroup fedmoe-device
 * \brief The built-in tiers: "mcu-sensor", "raspberry-pi-4", "jetson-nano",
 *        "midrange-phone", "laptop".
 */
class FedMoeDeviceCatalog
{
  public:
    /**
     * \brief All tiers, in a fixed order.
     * \return the tiers
     */
    static const std::vector<FedMoeDeviceTier>& Tiers();

    /**
     * \brief The tier names, in the order of Tiers().
     * \return the names
     */
    static std::vector<std::string> Names();

    /**
     * \brief Whether a tier of this name exists.
     * \param name tier name
     * \return true if found
     */
    static bool Has(const std::string& name);

    /**
     * \brief Look a tier up.
     * \param name tier name
     * \return the tier
     * \throws std::invalid_argument naming the unknown tier and the known ones
     */
    static const FedMoeDeviceTier& Get(const std::string& name);

    /**
     * \brief A new profile with the tier's nominal figures.
     * \param name tier name
     * \return the profile (not yet aggregated to a Node)
     */
    static Ptr<FedMoeDeviceProfile> CreateProfile(const std::string& name);
};

} // namespace ns3

#endif // FEDMOE_DEVICE_CATALOG_H
