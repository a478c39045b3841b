// SPDX-License-Identifier: GPL-2.0-only
/*
 * What differs between the ns-3 releases fedmoe builds against (Debian 12's
 * ns-3 3.37, Debian 13's 3.43), in one place. Everything else in the module
 * uses API present in both. Build-level differences (target names, the C++
 * standard) are in cmake/FedMoeNs3.cmake.
 */

#ifndef FEDMOE_NS3_COMPAT_H
#define FEDMOE_NS3_COMPAT_H

#include "ns3/nstime.h"
#include "ns3/test.h"
#include "ns3/version-defines.h"

#include <string>

namespace ns3
{
namespace FedMoeCompat
{

#if NS3_VERSION_MAJOR == 3 && NS3_VERSION_MINOR < 42
/// A quick TestCase (TestCase::QUICK, a plain enum up to ns-3.41).
constexpr auto TEST_QUICK = TestCase::QUICK;
/// A unit TestSuite (TestSuite::UNIT, a plain enum up to ns-3.41).
constexpr auto TEST_SUITE_UNIT = TestSuite::UNIT;
#else
/// A quick TestCase (ns-3.42 made the durations an enum class).
constexpr auto TEST_QUICK = TestCase::Duration::QUICK;
/// A unit TestSuite (ns-3.42 made the suite types an enum class).
constexpr auto TEST_SUITE_UNIT = TestSuite::Type::UNIT;
#endif

#if NS3_VERSION_MAJOR == 3 && NS3_VERSION_MINOR < 38
/// The argument of a CommandLine::AddValue callback: by value in 3.37 ...
using CommandLineValue = std::string;
#else
/// ... by reference in 3.43 (the releases between are not checked).
using CommandLineValue = const std::string&;
#endif

/**
 * \brief Set a WifiTxVector's guard interval.
 * \param txVector the vector (a template, so that this header needs no Wi-Fi include)
 * \param ns the guard interval, ns
 */
template<typename TxVector>
void
SetGuardIntervalNs(TxVector& txVector, uint16_t ns)
{
#if NS3_VERSION_MAJOR == 3 && NS3_VERSION_MINOR < 42
    txVector.SetGuardInterval(ns); // nanoseconds as an integer up to ns-3.41
#else
    txVector.SetGuardInterval(NanoSeconds(ns)); // a Time from ns-3.42
#endif
}

} // namespace FedMoeCompat
} // namespace ns3

#endif // FEDMOE_NS3_COMPAT_H
