// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doxygen groups of the fedmoe module (documentation only; not compiled).
 * Each layer of contrib/fedmoe/model (and the helpers) is one subgroup.
 */

/**
 * \defgroup fedmoe fedmoe: federated Mixture-of-Experts training at the wireless edge
 *
 * A server application runs federated rounds over a simulated network; in
 * each round an alignment policy decides which experts each client trains,
 * from fitness and usage scores and from the channel and compute the server
 * observes; clients train a real MoE with LibTorch. See doc/fedmoe.rst.
 */

/**
 * \ingroup fedmoe
 * \defgroup fedmoe-learning Learning core
 *
 * Plain C++ and LibTorch, no ns-3 (namespace fedmoe::learning): data sets and
 * partitions, the MoE, local training, the codec, aggregation and server
 * optimisers, evaluation. Headers: "fedmoe/learning/<file>.h".
 */

/**
 * \ingroup fedmoe
 * \defgroup fedmoe-scheduling Scheduling core
 *
 * Plain C++ and Boost, no ns-3, no LibTorch (namespace fedmoe::scheduling):
 * fitness and usage scores, capacity estimates, the alignment policies and
 * participant selection. Headers: "fedmoe/scheduling/<file>.h".
 */

/**
 * \ingroup fedmoe
 * \defgroup fedmoe-device Edge devices
 *
 * ns-3 Objects for what a device is and what the server sees of it: device
 * profiles and tiers, populations, the compute model, channel estimates and
 * probes.
 */

/**
 * \ingroup fedmoe
 * \defgroup fedmoe-federation Federation
 *
 * The round coordinator and client scoreboard (plain C++ over the cores), the
 * wire format, the server and client applications, the transport seam, the
 * records and progress sinks, the learning and round options as Objects.
 */

/**
 * \ingroup fedmoe
 * \defgroup fedmoe-helper Helpers
 *
 * FedMoeHelper (installs a federation), FedMoeEdgeNetworkHelper (Wi-Fi, LTE,
 * point-to-point), FedMoeLteHelper, FedMoeMobilityHelper, FedMoeScenario.
 */

/**
 * \ingroup fedmoe
 * \defgroup fedmoe-tests fedmoe TestSuites
 */
