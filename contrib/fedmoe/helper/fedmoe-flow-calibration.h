// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow calibration files: the factors of the flow-level network
 * (efficiencies, latencies: attributes of ns3::FedMoeFlow* types) that
 * fedmoe-flow-calibrate fits from packet-level runs and flow-level runs read
 * (--flowCalibration=FILE).
 */

#ifndef FEDMOE_FLOW_CALIBRATION_H
#define FEDMOE_FLOW_CALIBRATION_H

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// Attribute paths ("ns3::FedMoeFlowWifiAccess::UplinkEfficiency") and values, as text.
using FedMoeFlowFactors = std::vector<std::pair<std::string, std::string>>;

/**
 * \ingroup fedmoe-helper
 * \brief Reads a calibration file: {"attributes": {"ns3::FedMoeFlow...::Name": value}, ...}.
 * \param file the JSON file
 * \param[out] factors what it sets
 * \return empty if readable and every attribute exists and takes its value, else why not
 */
std::string FedMoeReadFlowCalibration(const std::string& file, FedMoeFlowFactors& factors);

/**
 * \ingroup fedmoe-helper
 * \brief Config::SetDefault of each factor (checked by FedMoeReadFlowCalibration).
 * \param factors the factors
 */
void FedMoeApplyFlowFactors(const FedMoeFlowFactors& factors);

} // namespace ns3

#endif // FEDMOE_FLOW_CALIBRATION_H
