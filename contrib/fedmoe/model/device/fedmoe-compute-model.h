// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeComputeModel: turns a training workload (FLOPs) into simulated time on a
 * device, with random background occupancy of the device.
 */

#ifndef FEDMOE_COMPUTE_MODEL_H
#define FEDMOE_COMPUTE_MODEL_H

#include "fedmoe-device-profile.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

namespace ns3
{

/**
 * \ingroup fedmoe-device
 * \brief time = FLOPs / (ComputeGflops x 1e9 x Efficiency x (1 - occupancy)).
 *
 * The profile's ComputeGflops is already a *sustained* figure; Efficiency
 * (default 1) scales it for workloads that run worse (e.g. small batches).
 * Occupancy is the share of the device taken by other work during the job,
 * drawn once per job from the Occupancy random variable and clamped to
 * [0, MaxOccupancy] so that a job always finishes.
 */
class FedMoeComputeModel : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /** \brief Efficiency 1, no occupancy. */
    FedMoeComputeModel();
    ~FedMoeComputeModel() override;

    /** \brief Set the efficiency factor. \param efficiency in (0, 1] */
    void SetEfficiency(double efficiency);
    /** \brief The efficiency factor. \return efficiency in (0, 1] */
    double GetEfficiency() const;

    /** \brief Set the largest occupancy used. \param max in [0, 1) */
    void SetMaxOccupancy(double max);
    /** \brief The largest occupancy used. \return max in [0, 1) */
    double GetMaxOccupancy() const;

    /**
     * \brief Simulated time of a job, with an occupancy drawn from Occupancy.
     * \param profile the device
     * \param flops work, >= 0 and finite
     * \return the duration
     */
    Time GetComputeTime(Ptr<const FedMoeDeviceProfile> profile, double flops);

    /**
     * \brief Simulated time of a job at a given occupancy (no random draw).
     * \param profile the device
     * \param flops work, >= 0 and finite
     * \param occupancy share of the device busy with other work, in [0, 1)
     * \return the duration
     */
    Time GetComputeTime(Ptr<const FedMoeDeviceProfile> profile, double flops, double occupancy);

    /**
     * \brief Fix the random stream of the Occupancy variable.
     * \param stream stream index
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * \brief TracedCallback signature for a computed job.
     * \param tier the device's tier
     * \param flops work
     * \param occupancy occupancy used
     * \param duration resulting time
     */
    typedef void (*JobCallback)(const std::string& tier, double flops, double occupancy,
                                Time duration);

  protected:
    void DoDispose() override;

  private:
    double m_efficiency;                   //!< scales sustained throughput
    double m_maxOccupancy;                 //!< clamp of drawn occupancy
    Ptr<RandomVariableStream> m_occupancy; //!< background occupancy per job
    /// Fires per job.
    TracedCallback<const std::string&, double, double, Time> m_jobTrace;
};

} // namespace ns3

#endif // FEDMOE_COMPUTE_MODEL_H
