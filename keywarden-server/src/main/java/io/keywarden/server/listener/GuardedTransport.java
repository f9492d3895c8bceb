package io.keywarden.server.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's network transport with one addition: every connection a server of this Vert.x accepts
 * gets a {@link ConnectionGuard} as the first handler of its pipeline, before Vert.x sets up TLS
 * and HTTP. Vert.x offers no public hook at accept time (an HTTP server's connection handler runs
 * only with the first request), and the guard must see a connection from its first byte.
 * Everything else is the wrapped transport's.
 */
final class GuardedTransport implements io.vertx.core.transport.Transport {
  private final io.vertx.core.transport.Transport delegate;
  private final ConnectionGuard guard;

  GuardedTransport(io.vertx.core.transport.Transport delegate, ConnectionGuard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean available() {
    return delegate.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return delegate.unavailabilityCause();
  }

  @Override
  public Transport implementation() {
    return new Spi(delegate.implementation());
  }

  /** Hands each accepted connection to the guard before Vert.x's initializer sees it. */
  @ChannelHandler.Sharable
  private final class AcceptHook extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        guard.attach(child);
      }
      ctx.fireChannelRead(msg);
    }
  }

  private final class Spi implements Transport {
    private final Transport d;
    private final AcceptHook hook = new AcceptHook();

    Spi(Transport d) {
      this.d = d;
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      ChannelFactory<? extends ServerChannel> f = d.serverChannelFactory(domainSocket);
      return () -> {
        ServerChannel c = f.newChannel();
        c.pipeline().addLast(hook);
        return c;
      };
    }

    @Override
    public boolean supportsDomainSockets() {
      return d.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return d.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return d.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return d.unavailabilityCause();
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
      return d.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
      return d.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return d.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
      return d.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel() {
      return d.datagramChannel();
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return d.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return d.channelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      d.configure(channel, options);
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
      d.configure(options, connectTimeout, domainSocket, bootstrap);
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      d.configure(options, domainSocket, bootstrap);
    }
  }
}
