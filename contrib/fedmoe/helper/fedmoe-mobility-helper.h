// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeMobilityHelper: how the client devices of an edge network move
 * (static, away from their access point at a constant speed, random walk,
 * Gauss-Markov), installed by FedMoeEdgeNetworkHelper on the Wi-Fi and LTE
 * topologies; traces positions to CSV.
 */

#ifndef FEDMOE_MOBILITY_HELPER_H
#define FEDMOE_MOBILITY_HELPER_H

#include "ns3/attribute.h"
#include "ns3/mobility-model.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/random-variable-stream.h"
#include "ns3/vector.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-helper
 * \brief Mobility of the client devices around their access points.
 *
 * \code
 *   FedMoeEdgeNetworkHelper edge;
 *   edge.Mobility().SetModel("ns3::GaussMarkovMobilityModel");
 *   edge.Mobility().SetSpeed(1.5);                      // m/s
 *   edge.Mobility().SetBounds(-100, 100, -100, 100);    // m
 *   edge.InstallWifi(server, clients);
 *   edge.Mobility().EnablePositionTrace("out/positions.csv", Seconds(1));
 * \endcode
 *
 * Models (by TypeId name):
 * - ns3::ConstantPositionMobilityModel: static (default);
 * - ns3::ConstantVelocityMobilityModel: straight away from the device's
 *   access point (AP or serving eNB) at Speed;
 * - ns3::RandomWalk2dMobilityModel: Speed constant, a new direction every
 *   second, reflected at the bounds;
 * - ns3::GaussMarkovMobilityModel: mean speed Speed, memory Alpha 0.85,
 *   staying in the plane, reflected at the bounds.
 * SetAttribute overrides any attribute of the model (e.g. "Alpha", "Time").
 */
class FedMoeMobilityHelper
{
  public:
    /** \brief Static devices 1-40 m away, speed 1 m/s, bounds: 2 x the largest distance. */
    FedMoeMobilityHelper();

    /**
     * \brief Start the clients at these distances from their access point
     *        (metres, > 0), one per client in order; overrides SetDistanceRange.
     * \param metres distances
     */
    void SetDistances(std::vector<double> metres);

    /**
     * \brief Draw each client's start distance uniformly in [min, max] metres.
     * \param min > 0
     * \param max >= min
     * \param stream RNG stream of the draw (-1: automatic)
     */
    void SetDistanceRange(double min, double max, int64_t stream = -1);

    /**
     * \brief The start distances of n clients (SetDistances', or drawn).
     * \param n clients
     * \return metres, one per client
     */
    std::vector<double> DrawDistances(uint32_t n);

    /**
     * \brief Choose the mobility model of the clients.
     * \param type one of the four TypeId names of the class description
     */
    void SetModel(std::string type);

    /** \brief The model's TypeId name. \return it */
    std::string GetModel() const;

    /**
     * \brief Set the speed of the moving models.
     * \param metresPerSecond finite, >= 0
     */
    void SetSpeed(double metresPerSecond);

    /**
     * \brief Set the area random walk and Gauss-Markov stay in (metres);
     *        default: a square centred on the origin whose half side is twice
     *        the largest distance of a client from the origin.
     * \param xMin lower x
     * \param xMax upper x, > xMin
     * \param yMin lower y
     * \param yMax upper y, > yMin
     */
    void SetBounds(double xMin, double xMax, double yMin, double yMax);

    /**
     * \brief Set an attribute of the mobility model (after SetModel).
     * \param name attribute name
     * \param value its value
     */
    void SetAttribute(std::string name, const AttributeValue& value);

    /**
     * \brief Give each client a mobility model (servers and access points are
     *        FedMoeEdgeNetworkHelper's, always static).
     * \param clients the client nodes
     * \param positions start position of each client
     * \param anchors position of each client's access point (direction of
     *        ConstantVelocityMobilityModel, origin of GetDistance)
     */
    void Install(NodeContainer clients, const std::vector<Vector>& positions,
                 const std::vector<Vector>& anchors);

    /**
     * \brief Current distance of client i from its access point.
     * \param i client index
     * \return metres (3D)
     */
    double GetDistance(uint32_t i) const;

    /**
     * \brief Write "time_s,client,x,y,z,distance_m" every interval (from 0)
     *        for every client until the simulation ends.
     * \param file CSV path (its directory must exist)
     * \param interval sampling period, > 0
     */
    void EnablePositionTrace(std::string file, Time interval);

    /**
     * \brief Fix the random streams of the clients' mobility models.
     * \param stream first stream index
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

  private:
    /// Bounds containing every position (SetBounds' or the default).
    std::vector<double> Bounds(const std::vector<Vector>& positions) const;

    std::vector<double> m_fixedDistances;     //!< from SetDistances
    double m_distanceMin;                     //!< random range
    double m_distanceMax;                     //!< random range
    Ptr<UniformRandomVariable> m_distanceRng; //!< draws distances
    std::string m_model;                      //!< TypeId name
    double m_speed;                           //!< m/s
    bool m_boundsSet;                         //!< SetBounds called
    double m_bounds[4];                       //!< xMin, xMax, yMin, yMax
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_attributes; //!< user overrides
    std::vector<Ptr<MobilityModel>> m_models;                              //!< per client
    std::vector<Vector> m_anchors;                                         //!< per client
};

} // namespace ns3

#endif // FEDMOE_MOBILITY_HELPER_H
