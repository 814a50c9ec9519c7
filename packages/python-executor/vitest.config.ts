import { packageTestConfig } from "../../vitest.shared";

export default packageTestConfig("@execkit/python-executor");
