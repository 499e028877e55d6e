/**
 * The rule registry. A test checks that every folder under rules/ is listed here and vice versa.
 */
import type { AnyRule } from '../src/engine/rule.js';
import bufferSizeConstraints from './buffer-size-constraints/index.js';
import directiveNotAllowedHere from './directive-not-allowed-here/index.js';
import includeCycle from './include-cycle/index.js';
import includeNotFound from './include-not-found/index.js';
import invalidArguments from './invalid-arguments/index.js';
import selinuxBlocksUpstream from './selinux-blocks-upstream/index.js';
import syntaxError from './syntax-error/index.js';
import unknownDirective from './unknown-directive/index.js';
import upstreamDefinitionErrors from './upstream-definition-errors/index.js';
import upstreamHeaderBufferTooSmall from './upstream-header-buffer-too-small/index.js';
import upstreamTimeoutMissing from './upstream-timeout-missing/index.js';
import connectTimeoutOver75s from './connect-timeout-over-75s/index.js';
import upstreamReadTimeoutTooShort from './upstream-read-timeout-too-short/index.js';
import upstreamKeepaliveMisconfigured from './upstream-keepalive-misconfigured/index.js';
import workerConnectionsTooLow from './worker-connections-too-low/index.js';
import clientKeepaliveBelowLbIdle from './client-keepalive-below-lb-idle/index.js';
import upstreamUnreachable from './upstream-unreachable/index.js';
import upstreamTimeoutVsBackendLimit from './upstream-timeout-vs-backend-limit/index.js';
import upstreamKeepaliveIdleRace from './upstream-keepalive-idle-race/index.js';
import phpFpmPoolSaturation from './php-fpm-pool-saturation/index.js';
import uwsgiBufferSize from './uwsgi-buffer-size/index.js';
import upstreamPortMismatch from './upstream-port-mismatch/index.js';
import unixSocketPathMismatch from './unix-socket-path-mismatch/index.js';
import fastcgiTcpVsSocket from './fastcgi-tcp-vs-socket/index.js';
import unixSocketPermission from './unix-socket-permission/index.js';
import socketInPrivateTmp from './socket-in-private-tmp/index.js';
import fpmAllowedClients from './fpm-allowed-clients/index.js';
import upstreamProtocolMismatch from './upstream-protocol-mismatch/index.js';
import containerLoopbackUpstream from './container-loopback-upstream/index.js';
import localhostDualStack from './localhost-dual-stack/index.js';
import staticDnsUpstream from './static-dns-upstream/index.js';
import proxyPassVariableNeedsResolver from './proxy-pass-variable-needs-resolver/index.js';
import upstreamTlsSniMissing from './upstream-tls-sni-missing/index.js';
import upstreamTlsVerify from './upstream-tls-verify/index.js';
import unixSocketUriMissingColon from './unix-socket-uri-missing-colon/index.js';
import grpcWithoutHttp2 from './grpc-without-http2/index.js';
import upstreamAllUnavailable from './upstream-all-unavailable/index.js';
import nextUpstreamPolicy from './next-upstream-policy/index.js';
import proxyLoopToSelf from './proxy-loop-to-self/index.js';
import fastcgiMissingScriptFilename from './fastcgi-missing-script-filename/index.js';
import noCustom502Page from './no-custom-502-page/index.js';
import upstreamStrictFramingUpgrade from './upstream-strict-framing-upgrade/index.js';

export const allRules: readonly AnyRule[] = [
  syntaxError,
  includeNotFound,
  includeCycle,
  unknownDirective,
  directiveNotAllowedHere,
  invalidArguments,
  upstreamDefinitionErrors,
  bufferSizeConstraints,
  upstreamHeaderBufferTooSmall,
  upstreamTimeoutMissing,
  upstreamReadTimeoutTooShort,
  connectTimeoutOver75s,
  upstreamKeepaliveMisconfigured,
  workerConnectionsTooLow,
  clientKeepaliveBelowLbIdle,
  upstreamUnreachable,
  upstreamTimeoutVsBackendLimit,
  upstreamKeepaliveIdleRace,
  phpFpmPoolSaturation,
  uwsgiBufferSize,
  upstreamPortMismatch,
  unixSocketPathMismatch,
  fastcgiTcpVsSocket,
  unixSocketPermission,
  socketInPrivateTmp,
  fpmAllowedClients,
  upstreamProtocolMismatch,
  containerLoopbackUpstream,
  localhostDualStack,
  staticDnsUpstream,
  proxyPassVariableNeedsResolver,
  upstreamTlsSniMissing,
  upstreamTlsVerify,
  unixSocketUriMissingColon,
  grpcWithoutHttp2,
  upstreamAllUnavailable,
  nextUpstreamPolicy,
  proxyLoopToSelf,
  fastcgiMissingScriptFilename,
  noCustom502Page,
  upstreamStrictFramingUpgrade,
  selinuxBlocksUpstream,
];
