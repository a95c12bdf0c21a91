// jest setupFile of the `pooler` project (jest.config.js): TestContext connects the app through PgBouncer.
process.env.LINGUA_TEST_THROUGH_POOLER = '1';
