// Jest project "fastify": TestContext builds the app on @nestjs/platform-fastify.
process.env.LINGUA_TEST_PLATFORM = 'fastify';
