// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeDevicePopulation: draws a heterogeneous population of edge devices (a
 * weighted mix of catalog tiers with a lognormal per-device spread) from
 * ns-3 random streams, so that --RngRun changes it and a run repeats it.
 */

#ifndef FEDMOE_DEVICE_POPULATION_H
#define FEDMOE_DEVICE_POPULATION_H

#include "fedmoe-device-profile.h"

#include "ns3/node-container.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-device
 * \brief Reproducible draws of EdgeDeviceProfiles from a tier mix.
 *
 * Each draw picks a tier with probability proportional to its weight in the
 * Mix, then multiplies its compute throughput, its link rates (one factor for
 * both directions) and its latency by independent lognormal factors with
 * median 1 and shape Spread (0: nominal figures). Cores, memory and
 * availability stay nominal: they are discrete or policy, not noise.
 */
class FedMoeDevicePopulation : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /** \brief Default: an even mix of all catalog tiers, Spread 0.25. */
    FedMoeDevicePopulation();
    ~FedMoeDevicePopulation() override;

    /**
     * \brief Set the tier mix.
     * \param mix "tier=weight,tier=weight,..." over FedMoeDeviceCatalog names;
     *        weights finite and >= 0, at least one > 0
     * \throws std::invalid_argument naming the bad entry
     */
    void SetMix(std::string mix);
    /** \brief The tier mix as text. \return the mix */
    std::string GetMix() const;

    /** \brief Set the lognormal shape of the per-device spread. \param sigma >= 0, finite */
    void SetSpread(double sigma);
    /** \brief The lognormal shape of the per-device spread. \return sigma */
    double GetSpread() const;

    /**
     * \brief Draw one profile.
     * \return a new profile (not aggregated)
     */
    Ptr<FedMoeDeviceProfile> Draw();

    /**
     * \brief Draw one profile per node and aggregate it to the node.
     * \param nodes nodes without a profile
     * \return the profiles, in node order
     */
    std::vector<Ptr<FedMoeDeviceProfile>> Install(NodeContainer nodes);

    /**
     * \brief Fix the random streams used.
     * \param stream first stream index
     * \return the number of streams used (4)
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * \brief TracedCallback signature for a drawn profile.
     * \param profile the new profile
     */
    typedef void (*DrawnCallback)(Ptr<const FedMoeDeviceProfile> profile);

  protected:
    void DoDispose() override;

  private:
    /// Lognormal factor with median 1, or exactly 1 when Spread is 0.
    double Factor(Ptr<NormalRandomVariable> normal);

    std::string m_mixText;                                  //!< mix as given
    std::vector<std::pair<std::string, double>> m_mix;      //!< parsed (tier, weight)
    double m_spread;                                        //!< lognormal sigma
    Ptr<UniformRandomVariable> m_tierChoice;                //!< picks the tier
    Ptr<NormalRandomVariable> m_computeNoise;               //!< compute factor
    Ptr<NormalRandomVariable> m_rateNoise;                  //!< link-rate factor
    Ptr<NormalRandomVariable> m_latencyNoise;               //!< latency factor
    TracedCallback<Ptr<const FedMoeDeviceProfile>> m_drawn; //!< fires per draw
};

} // namespace ns3

#endif // FEDMOE_DEVICE_POPULATION_H
